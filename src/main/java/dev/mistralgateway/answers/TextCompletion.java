package dev.mistralgateway.answers;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An OpenAI {@code text_completion} answer, or one chunk of a streamed one (without {@code usage}). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TextCompletion(String id, String object, long created, String model, List<Choice> choices,
        Usage usage) {

    public static final String OBJECT = "text_completion";

    /** {@code logprobs} is always null: no hosting here returns them for completions. */
    @RegisterForReflection
    public record Choice(int index, String text, Object logprobs, @JsonProperty("finish_reason") String finishReason) {
    }
}
