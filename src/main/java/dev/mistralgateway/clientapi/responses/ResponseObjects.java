package dev.mistralgateway.clientapi.responses;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The Responses API's answer shapes the gateway builds: the {@code Response} object and its output
 * items, with every field OpenAI's schema requires (null where it allows null).
 */
public final class ResponseObjects {

    private ResponseObjects() {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Response(String id, String object, @JsonProperty("created_at") long createdAt, String status,
            @JsonProperty("completed_at") Long completedAt, Error error,
            @JsonProperty("incomplete_details") IncompleteDetails incompleteDetails, JsonNode instructions,
            @JsonProperty("max_output_tokens") JsonNode maxOutputTokens, String model, List<Object> output,
            @JsonProperty("parallel_tool_calls") boolean parallelToolCalls,
            @JsonProperty("previous_response_id") String previousResponseId, JsonNode reasoning, JsonNode text,
            @JsonProperty("tool_choice") JsonNode toolChoice, JsonNode tools, JsonNode temperature,
            @JsonProperty("top_p") JsonNode topP, String truncation, JsonNode metadata,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    /** Why a response failed; {@code code} is one of OpenAI's {@code ResponseErrorCode}s. */
    @RegisterForReflection
    public record Error(String code, String message) {
    }

    @RegisterForReflection
    public record IncompleteDetails(String reason) {
    }

    @RegisterForReflection
    public record Usage(@JsonProperty("input_tokens") long inputTokens,
            @JsonProperty("input_tokens_details") InputDetails inputTokensDetails,
            @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("output_tokens_details") OutputDetails outputTokensDetails,
            @JsonProperty("total_tokens") long totalTokens) {
    }

    @RegisterForReflection
    public record InputDetails(@JsonProperty("cached_tokens") long cachedTokens,
            @JsonProperty("cache_write_tokens") long cacheWriteTokens) {
    }

    @RegisterForReflection
    public record OutputDetails(@JsonProperty("reasoning_tokens") long reasoningTokens) {
    }

    @RegisterForReflection
    public record Message(String id, String type, String role, String status, List<OutputText> content) {
    }

    @RegisterForReflection
    public record OutputText(String type, String text, List<Object> annotations, List<Object> logprobs) {
        static OutputText of(String text) {
            return new OutputText("output_text", text, List.of(), List.of());
        }
    }

    @RegisterForReflection
    public record FunctionCall(String id, String type, String status, @JsonProperty("call_id") String callId,
            String name, String arguments) {
    }

    @RegisterForReflection
    public record CustomToolCall(String id, String type, @JsonProperty("call_id") String callId, String name,
            String input) {
    }

    @RegisterForReflection
    public record Reasoning(String id, String type, String status, List<Object> summary, List<ReasoningText> content) {
    }

    @RegisterForReflection
    public record ReasoningText(String type, String text) {
        static ReasoningText of(String text) {
            return new ReasoningText("reasoning_text", text);
        }
    }
}
