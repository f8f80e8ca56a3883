package dev.mistralgateway.config;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Kong's {@code model.options} that shape a request; each one set here overrides the client's.
 *
 * @param dropUnsupported request fields the target cannot honour (Mistral's cloud: {@code logprobs},
 *        {@code audio}, ...) are dropped, and the answer names them in a header, instead of the
 *        client getting a 400 that names them (LiteLLM's {@code drop_params})
 */
public record ModelOptions(
        OptionalInt maxTokens,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalInt topK,
        OptionalDouble inputCost,
        OptionalDouble outputCost,
        boolean dropUnsupported) {

    /** Options that refuse what the target cannot honour. */
    public ModelOptions(OptionalInt maxTokens, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
            OptionalDouble inputCost, OptionalDouble outputCost) {
        this(maxTokens, temperature, topP, topK, inputCost, outputCost, false);
    }
}
