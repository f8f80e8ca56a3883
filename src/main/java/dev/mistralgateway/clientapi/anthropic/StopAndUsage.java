package dev.mistralgateway.clientapi.anthropic;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.CachedTokens;

/** Chat's {@code finish_reason} and {@code usage} in Anthropic's words, for whole answers and streams alike. */
final class StopAndUsage {

    private StopAndUsage() {
    }

    /**
     * Anthropic's {@code stop_reason}: a stop sequence is named only where the upstream says which
     * one matched (vLLM's {@code stop_reason}); a plain stop is {@code end_turn}. An answer with
     * tool calls stopped for them, whatever word its upstream used.
     *
     * @param matched the stop sequence that ended the answer, or null
     */
    static String stopReason(String finishReason, boolean toolCalls, String matched) {
        if (toolCalls && (finishReason == null || finishReason.equals("stop") || finishReason.equals("tool_calls"))) {
            return "tool_use";
        }
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length", "model_length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> matched != null ? "stop_sequence" : "end_turn";
        };
    }

    /** The stop sequence the upstream says it stopped at, when it is one the client asked for. */
    static String matchedStop(JsonNode choice, JsonNode clientBody) {
        JsonNode stopped = choice.get("stop_reason");
        if (stopped == null || !stopped.isTextual()) {
            return null;
        }
        for (JsonNode sequence : clientBody.path("stop_sequences")) {
            if (sequence.isTextual() && sequence.textValue().equals(stopped.textValue())) {
                return stopped.textValue();
            }
        }
        return null;
    }

    /** Anthropic's usage from chat's, or null when the chat answer has none. */
    static AnthropicMessage.Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) {
            return null;
        }
        Long cached = CachedTokens.of(usage);
        long prompt = usage.path("prompt_tokens").asLong(0);
        long input = cached == null ? prompt : Math.max(0, prompt - cached);
        return new AnthropicMessage.Usage(input, usage.path("completion_tokens").asLong(0), cached == null ? null : 0L,
                cached);
    }
}
