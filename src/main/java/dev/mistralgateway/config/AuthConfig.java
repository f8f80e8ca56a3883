package dev.mistralgateway.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/** A target's {@code auth} block, and the embeddings model's of the {@code semantic} balancer ({@link SemanticConfig}). */
public interface AuthConfig {
    Optional<String> headerName();

    Optional<String> headerValue();

    Optional<String> paramName();

    Optional<String> paramValue();

    Optional<String> paramLocation();

    @WithDefault("false")
    boolean allowOverride();
}
