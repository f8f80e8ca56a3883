package dev.mistralgateway.route;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import dev.mistralgateway.template.Template;

/**
 * Kong's {@code model.options} that shape a request; each one set here overrides the client's.
 *
 * @param dropUnsupported request fields the target cannot honour (Mistral's cloud: {@code logprobs},
 *        {@code audio}, ...) are dropped, and the answer names them in a header, instead of the
 *        client getting a 400 that names them (LiteLLM's {@code drop_params})
 * @param cacheReadCost Kong 3.14's {@code cache_read_cost}: what a million prompt tokens read from the
 *        upstream's cache cost; unset, they cost what other prompt tokens do
 * @param templates the numeric options configured as templates ({@code $(headers.x-max-tokens)}),
 *        resolved per request into the option ({@link #resolved}); empty for the literal options above
 */
public record ModelOptions(
        OptionalInt maxTokens,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalInt topK,
        OptionalDouble inputCost,
        OptionalDouble outputCost,
        boolean dropUnsupported,
        OptionalDouble cacheReadCost,
        Map<NumericOption, Template> templates) {

    public ModelOptions {
        templates = Map.copyOf(templates);
    }

    /** Literal options that refuse what the target cannot honour. */
    public ModelOptions(OptionalInt maxTokens, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
            OptionalDouble inputCost, OptionalDouble outputCost) {
        this(maxTokens, temperature, topP, topK, inputCost, outputCost, false, OptionalDouble.empty(), Map.of());
    }

    /** These options with the templated ones set to one request's values, each in its option's range. */
    public ModelOptions resolved(Map<NumericOption, Double> values) {
        return new ModelOptions(whole(values, NumericOption.MAX_TOKENS, maxTokens),
                number(values, NumericOption.TEMPERATURE, temperature), number(values, NumericOption.TOP_P, topP),
                whole(values, NumericOption.TOP_K, topK), inputCost, outputCost, dropUnsupported, cacheReadCost, Map.of());
    }

    private static OptionalInt whole(Map<NumericOption, Double> values, NumericOption option, OptionalInt literal) {
        Double value = values.get(option);
        return value == null ? literal : OptionalInt.of(value.intValue());
    }

    private static OptionalDouble number(Map<NumericOption, Double> values, NumericOption option,
            OptionalDouble literal) {
        Double value = values.get(option);
        return value == null ? literal : OptionalDouble.of(value);
    }

    /**
     * An answer's cost, with costs per million tokens: (uncached prompt × input_cost + cached ×
     * cache_read_cost + completion × output_cost) / 1,000,000, where {@code cached} is part of
     * {@code prompt}.
     */
    public double cost(long promptTokens, long cachedTokens, long completionTokens) {
        double input = inputCost.orElse(0);
        long cached = Math.max(0, Math.min(cachedTokens, promptTokens));
        return ((promptTokens - cached) * input + cached * cacheReadCost.orElse(input)
                + completionTokens * outputCost.orElse(0)) / 1_000_000;
    }
}
