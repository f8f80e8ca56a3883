package dev.mistralgateway.config;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Kong's {@code model.options} that shape a request; each one set here overrides the client's. */
public record ModelOptions(
        OptionalInt maxTokens,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalInt topK,
        OptionalDouble inputCost,
        OptionalDouble outputCost) {
}
