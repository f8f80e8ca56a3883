package dev.mistralgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The server's own body limit follows the routes' limits, as the environment gives them. */
class ServerBodyLimitSourceTest {

    private static Optional<String> serverLimit(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new ServerBodyLimitSource())
                .build();
        return config.getOptionalValue(ServerBodyLimitSource.PROPERTY, String.class);
    }

    private static Map<String, String> routes(String... limits) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < limits.length; i++) {
            env.put("AI_PROXY_ROUTES_" + i + "__PATHS", "/r" + i);
            if (limits[i] != null) {
                env.put("AI_PROXY_ROUTES_" + i + "__MAX_REQUEST_BODY_SIZE", limits[i]);
            }
        }
        return env;
    }

    @Test
    void theLargestRouteLimitKongsDefaultWhereUnset() {
        // Kong's default since 3.13, 1 MiB
        assertEquals(Optional.of("1048576"), serverLimit(routes(null, null)));
        assertEquals(Optional.of("1048576"), serverLimit(routes("200", null)));
        assertEquals(Optional.of("1048576"), serverLimit(routes("200", "20000", null)));
        assertEquals(Optional.of("2000000"), serverLimit(routes("200", "2000000", null)));
    }

    @Test
    void aRouteWithoutALimitOfItsOwnLeavesQuarkussDefaultWrittenOut() {
        assertEquals(Optional.of("10485760"), serverLimit(routes("200", "0")));
        assertEquals(Optional.of("20000000"), serverLimit(routes("0", "20000000")));
    }

    @Test
    void aPastedKongBlockCountsAndASingleVariableStillWins() {
        Map<String, String> env = routes("100", null);
        env.put("AI_PROXY_ROUTES_1__CONFIG", "max_request_body_size: 50000\ntargets: []\n");
        assertEquals(Optional.of("50000"), serverLimit(env));

        env.put("AI_PROXY_ROUTES_1__MAX_REQUEST_BODY_SIZE", "300");
        assertEquals(Optional.of("300"), serverLimit(env));
    }

    @Test
    void aLimitSetForTheServerWins() {
        Map<String, String> env = routes("200", "20000");
        env.put("QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE", "1M");
        assertEquals(Optional.of("1M"), serverLimit(env));
    }

    @Test
    void nothingWithoutRoutesOrWithAnUnreadableLimit() {
        assertEquals(Optional.empty(), serverLimit(Map.of()));
        assertEquals(Optional.empty(), serverLimit(routes("200", "lots")));
        Map<String, String> broken = routes("200");
        broken.put("AI_PROXY_ROUTES_0__CONFIG", "[not: a, block");
        broken.remove("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE");
        assertEquals(Optional.empty(), serverLimit(broken));
    }
}
