package dev.mistralgateway.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One target of a route ({@code ai-proxy.routes[N].targets[M]}), loosely typed as {@link GatewayConfig} is. */
public interface TargetConfig {
    Optional<String> routeType();

    AuthConfig auth();

    ModelConfig model();

    LoggingConfig logging();

    @WithDefault("100")
    int weight();

    Optional<String> description();

    interface LoggingConfig {
        @WithDefault("false")
        boolean logStatistics();

        @WithDefault("false")
        boolean logPayloads();
    }
}
