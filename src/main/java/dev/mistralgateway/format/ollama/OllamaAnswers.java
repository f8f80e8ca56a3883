package dev.mistralgateway.format.ollama;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.ChatCompletion;
import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.request.ClientRequest;

/** The parts of an Ollama answer (whole or one line of a stream) that read the same either way. */
final class OllamaAnswers {

    private OllamaAnswers() {
    }

    static long created(JsonNode answer, Clock clock) {
        JsonNode createdAt = answer.get("created_at");
        if (createdAt != null && createdAt.isTextual()) {
            try {
                return OffsetDateTime.parse(createdAt.textValue()).toEpochSecond();
            } catch (DateTimeParseException e) {
                // an unreadable date is not worth failing the answer for: fall back to now
            }
        }
        return clock.instant().getEpochSecond();
    }

    /**
     * From Ollama's {@code done_reason}; without one (older Ollama), a generation that used its
     * whole token budget was cut, as Kong guesses.
     */
    static String finishReason(JsonNode answer, ClientRequest request) {
        JsonNode doneReason = answer.get("done_reason");
        if (doneReason != null && doneReason.isTextual()) {
            return doneReason.textValue().equals("length") ? "length" : "stop";
        }
        JsonNode budget = request.body().has("max_tokens") ? request.body().get("max_tokens")
                : request.body().get("max_completion_tokens");
        boolean cut = budget != null && budget.canConvertToLong() && answer.path("eval_count").asLong(-1) == budget.asLong();
        return cut ? "length" : "stop";
    }

    /** Ollama's tool calls get an id each and their arguments as JSON text. */
    static List<ChatCompletion.ToolCall> toolCalls(JsonNode calls) {
        if (calls == null || !calls.isArray()) {
            return List.of();
        }
        List<ChatCompletion.ToolCall> out = new ArrayList<>();
        for (JsonNode call : calls) {
            JsonNode function = call.path("function");
            JsonNode arguments = function.get("arguments");
            String argumentsText;
            if (arguments == null || arguments.isNull()) {
                argumentsText = "{}";
            } else if (arguments.isTextual()) {
                argumentsText = arguments.textValue();
            } else {
                argumentsText = arguments.toString();
            }
            String id = call.path("id").isTextual() ? call.get("id").textValue() : Ids.toolCall();
            out.add(new ChatCompletion.ToolCall(id, "function",
                    new ChatCompletion.Function(function.path("name").asText(""), argumentsText)));
        }
        return out;
    }
}
