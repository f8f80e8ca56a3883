package dev.mistralgateway.answers;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Token counts of an answer, as the upstream counted them.
 *
 * @param promptTokensDetails the prompt tokens read from the upstream's cache, in OpenAI's words;
 *        null when the upstream reports none (Ollama never does)
 */
@RegisterForReflection
public record Usage(
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("total_tokens") long totalTokens,
        @JsonProperty("prompt_tokens_details") @JsonInclude(JsonInclude.Include.NON_NULL) PromptTokensDetails promptTokensDetails) {

    /** OpenAI's {@code usage.prompt_tokens_details}. */
    @RegisterForReflection
    public record PromptTokensDetails(@JsonProperty("cached_tokens") long cachedTokens) {
    }

    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, null);
    }

    /** With the prompt tokens the upstream read from its cache, when it reports them (null: it does not). */
    public static Usage of(long promptTokens, long completionTokens, Long cachedTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                cachedTokens == null ? null : new PromptTokensDetails(cachedTokens));
    }

    /** Prompt tokens read from cache, part of {@link #promptTokens()}; 0 when none were reported. */
    @JsonIgnore
    public long cachedTokens() {
        return promptTokensDetails == null ? 0 : Math.min(promptTokensDetails.cachedTokens(), promptTokens);
    }
}
