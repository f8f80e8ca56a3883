package dev.mistralgateway.format.openai;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Ids;

/**
 * The messages of a request to Mistral's cloud, in the shape of Mistral's four message schemas
 * ({@code SystemMessage}, {@code UserMessage}, {@code AssistantMessage}, {@code ToolMessage}),
 * which refuse any other field, and under Mistral's rules beyond the schema: tool call ids of nine
 * letters or digits, an order of roles Mistral takes ({@link MessageOrder}), reasoning replayed as
 * thinking chunks ({@link ReasoningReplay}), and a conversation that ends with the user, a tool, or
 * an assistant prefix. One method per row of the hygiene table ({@link MistralCloudHygiene}), each
 * over every message; a message of a role Mistral does not know is left to Mistral to refuse.
 */
final class MistralMessages {

    /** The fields each role's schema allows; the rest (OpenAI's {@code refusal}, {@code annotations}, ...) go. */
    private static final Map<String, Set<String>> FIELDS_BY_ROLE = Map.of(
            "system", Set.of("role", "content"),
            "user", Set.of("role", "content"),
            "assistant", Set.of("role", "content", "tool_calls", "prefix"),
            "tool", Set.of("role", "content", "tool_call_id", "name"));

    private static final Set<String> TOOL_CALL_FIELDS = Set.of("id", "type", "function", "index");

    private MistralMessages() {
    }

    /** What is done to message {@code i}. */
    private interface Step {
        void apply(int i, ObjectNode message, String role);
    }

    private static void each(ObjectNode body, Step step) {
        if (!(body.get("messages") instanceof ArrayNode messages)) {
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ObjectNode message) {
                step.apply(i, message, message.path("role").asText(""));
            }
        }
    }

    /** Mistral has no developer role: OpenAI's newer name for the system role. */
    static void developerAsSystem(ObjectNode body) {
        each(body, (i, message, role) -> {
            if (role.equals("developer")) {
                message.put("role", "system");
            }
        });
    }

    static void reasoningAsThinking(ObjectNode body) {
        each(body, (i, message, role) -> {
            if (role.equals("assistant")) {
                ReasoningReplay.apply(message, echoedRefusal(message) ? message.get("refusal") : message.get("content"));
            }
        });
    }

    /** Each role's fields only, nulls left out but for a content the schema requires, tool calls likewise. */
    static void echoedFieldsDropped(ObjectNode body) {
        each(body, (i, message, role) -> {
            if (role.equals("assistant") && echoedRefusal(message)) {
                // an echoed refusal is what the assistant said
                message.set("content", message.get("refusal"));
            }
            Set<String> allowed = FIELDS_BY_ROLE.get(role);
            if (allowed == null) {
                return;
            }
            message.retain(allowed);
            JsonNode content = message.get("content");
            JsonFields.dropNulls(message);
            if (content != null && content.isNull() && !role.equals("system")) {
                // null content is allowed on these roles, and the user and tool schemas require the field
                message.set("content", content);
            }
            if (role.equals("system") && !message.has("content")) {
                message.put("content", "");
            }
            if (message.get("tool_calls") instanceof ArrayNode calls) {
                calls.forEach(MistralMessages::toolCallFields);
            }
        });
    }

    /** An assistant message without content but with the refusal OpenAI SDKs echo back. */
    private static boolean echoedRefusal(ObjectNode assistant) {
        JsonNode content = assistant.get("content");
        boolean hasContent = content != null && !content.isNull()
                && !(content.isTextual() && content.textValue().isEmpty());
        return !hasContent && assistant.path("refusal").isTextual();
    }

    private static void toolCallFields(JsonNode call) {
        if (!(call instanceof ObjectNode object)) {
            return;
        }
        JsonFields.dropNulls(object);
        object.retain(TOOL_CALL_FIELDS);
        if (object.get("function") instanceof ObjectNode function) {
            function.retain("name", "arguments");
            if (!function.hasNonNull("arguments")) {
                function.put("arguments", "{}");
            }
        }
    }

    static void contentParts(ObjectNode body) {
        each(body, (i, message, role) -> {
            if (FIELDS_BY_ROLE.containsKey(role) && message.get("content") instanceof ArrayNode parts) {
                for (int j = 0; j < parts.size(); j++) {
                    parts.set(j, ContentParts.inMistralShape(i, j, role, parts.get(j)));
                }
            }
        });
    }

    /** Ids of nine letters or digits, the same for a call and the tool message answering it ({@link Ids}). */
    static void toolCallIds(ObjectNode body) {
        each(body, (i, message, role) -> {
            if (!FIELDS_BY_ROLE.containsKey(role)) {
                return;
            }
            if (message.get("tool_calls") instanceof ArrayNode calls) {
                for (JsonNode call : calls) {
                    JsonNode id = call.get("id");
                    if (call instanceof ObjectNode object && id != null && id.isTextual()) {
                        object.put("id", Ids.mistralToolCallId(id.textValue()));
                    }
                }
            }
            JsonNode answered = message.get("tool_call_id");
            if (answered != null && answered.isTextual()) {
                message.put("tool_call_id", Ids.mistralToolCallId(answered.textValue()));
            }
        });
    }

    /** OpenAI continues a trailing assistant message; Mistral does so only when it is marked a prefix. */
    static void lastAssistantAsPrefix(ObjectNode body) {
        if (body.get("messages") instanceof ArrayNode messages && !messages.isEmpty()
                && messages.get(messages.size() - 1) instanceof ObjectNode last
                && last.path("role").asText("").equals("assistant") && !last.has("tool_calls")) {
            last.put("prefix", true);
        }
    }
}
