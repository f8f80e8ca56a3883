package dev.mistralgateway.answers;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An OpenAI {@code chat.completion.chunk}, one event of a streamed chat answer. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
        Usage usage) {

    public static final String OBJECT = "chat.completion.chunk";

    /** {@code finish_reason} is null until the last chunk, and present as null, as OpenAI sends it. */
    @RegisterForReflection
    public record Choice(int index, Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {
    }

    /** What this chunk adds to the message; {@code role} only on the first chunk. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(
            String role,
            String content,
            @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls,
            @JsonProperty("reasoning_content") String reasoningContent) {

        public static final Delta EMPTY = new Delta(null, null, null, null);
    }

    @RegisterForReflection
    public record ToolCallDelta(int index, String id, String type, ChatCompletion.Function function) {
    }
}
