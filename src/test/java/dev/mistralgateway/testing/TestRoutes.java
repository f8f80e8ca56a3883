package dev.mistralgateway.testing;

import java.util.List;
import java.util.Map;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.KongConfigSource;
import dev.mistralgateway.config.OllamaSettingsEnvSource;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Routes from environment variables, through the same mapping and validation as the function, without Quarkus. */
public final class TestRoutes {

    private TestRoutes() {
    }

    public static List<Route> fromEnvironment(Map<String, String> env) {
        return RouteTable.validate(config(env));
    }

    /** The route table the function would build, for its path lookups. */
    public static RouteTable tableFromEnvironment(Map<String, String> env) {
        return new RouteTable(config(env));
    }

    private static GatewayConfig config(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new KongConfigSource(), new OllamaSettingsEnvSource())
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }
}
