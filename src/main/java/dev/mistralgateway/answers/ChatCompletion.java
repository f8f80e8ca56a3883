package dev.mistralgateway.answers;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An OpenAI {@code chat.completion} answer. */
@RegisterForReflection
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
        Usage usage) {

    public static final String OBJECT = "chat.completion";

    @RegisterForReflection
    public record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    /** The assistant's message; {@code content} stays in the JSON as null when there are only tool calls. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Message(
            String role,
            @JsonInclude(JsonInclude.Include.ALWAYS) String content,
            @JsonProperty("tool_calls") List<ToolCall> toolCalls,
            @JsonProperty("reasoning_content") String reasoningContent) {
    }

    @RegisterForReflection
    public record ToolCall(String id, String type, Function function) {
    }

    /** A tool call's function; {@code arguments} is a JSON text, as the OpenAI shape requires. */
    @RegisterForReflection
    public record Function(String name, String arguments) {
    }
}
