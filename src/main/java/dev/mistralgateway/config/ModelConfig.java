package dev.mistralgateway.config;

import java.util.Optional;

/** A target's {@code model} block. */
public interface ModelConfig {
    Optional<String> provider();

    Optional<String> name();

    /**
     * Another name a client may ask for this target's model by, e.g. {@code fast} for
     * {@code mistral-small-latest}; on a route serving several models, the model the client names
     * picks the targets.
     */
    Optional<String> alias();

    /** Kong's name for {@link #alias()} since 3.14 ({@code model.model_alias}); either spelling may be used. */
    Optional<String> modelAlias();

    OptionsConfig options();
}
