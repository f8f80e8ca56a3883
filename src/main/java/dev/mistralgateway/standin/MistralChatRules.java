package dev.mistralgateway.standin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.standin.Violation.Kind;

/**
 * The rules Mistral's servers apply to a chat request after its schema, in Mistral's own words
 * (its {@code mistral-common} request validator, and what {@code api.mistral.ai} answers): tool call
 * ids of nine letters or digits, a tool message answering an earlier call, the order of roles, an
 * assistant message that says something, a last message Mistral can answer, and the reasoning
 * prompt mode no model takes any more. Part of {@link MistralContract}.
 */
final class MistralChatRules {

    /** What Mistral's servers require of a tool call id (the spec itself only says "string"). */
    private static final Pattern TOOL_CALL_ID = Pattern.compile("[a-zA-Z0-9]{9}");

    /**
     * The roles that may follow each role: no user right after a tool (code 3230, reported against
     * api.mistral.ai up to December 2025), no system after an assistant or a tool, no tool after a
     * user or a system.
     */
    private static final Map<String, Set<String>> NEXT_ROLES = Map.of(
            "system", Set.of("system", "user", "assistant"),
            "user", Set.of("system", "user", "assistant"),
            "assistant", Set.of("assistant", "user", "tool"),
            "tool", Set.of("assistant", "tool"));

    private MistralChatRules() {
    }

    static List<Violation> check(JsonNode body) {
        List<Violation> found = new ArrayList<>();
        if (body.path("prompt_mode").asText("").equals("reasoning")) {
            // Mistral's answer (code 3051) on every model since reasoning_effort came
            found.add(new Violation(Kind.SERVER_RULE, List.of("prompt_mode"), "invalid_request_invalid_args",
                    "Reasoning prompt mode is not enabled for this model", body.get("prompt_mode")));
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray()) {
            return found; // the schema has already said so
        }
        toolCallRules(found, messages);
        orderRule(found, messages);
        for (int i = 0; i < messages.size(); i++) {
            assistantSaysSomething(found, messages.get(i), i);
        }
        lastMessageRule(found, messages);
        return found;
    }

    private static void toolCallRules(List<Violation> found, JsonNode messages) {
        Set<String> calledEarlier = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText("");
            if (role.equals("assistant") && message.path("tool_calls").isArray()) {
                JsonNode calls = message.path("tool_calls");
                for (int j = 0; j < calls.size(); j++) {
                    JsonNode id = calls.get(j).path("id");
                    idRule(found, id, List.of("messages", i, "tool_calls", j, "id"));
                    if (id.isTextual()) {
                        calledEarlier.add(id.asText());
                    }
                }
            } else if (role.equals("tool")) {
                JsonNode id = message.path("tool_call_id");
                List<Object> loc = List.of("messages", i, "tool_call_id");
                idRule(found, id, loc);
                if (!id.isTextual() || !calledEarlier.contains(id.asText())) {
                    found.add(new Violation(Kind.SERVER_RULE, loc, "invalid_request_message_order",
                            "Tool message answers tool call id " + shown(id)
                                    + ", which no earlier assistant message's tool_calls holds",
                            id.isMissingNode() ? null : id));
                }
            }
        }
    }

    private static void idRule(List<Violation> found, JsonNode id, List<Object> loc) {
        if (!id.isTextual() || !TOOL_CALL_ID.matcher(id.asText()).matches()) {
            // Mistral's own wording
            found.add(new Violation(Kind.SERVER_RULE, loc, "invalid_function_call",
                    "Tool call id was " + (id.isTextual() ? id.asText() : "null")
                            + " but must be a-z, A-Z, 0-9, with a length of 9.",
                    id.isMissingNode() ? null : id));
        }
    }

    private static void orderRule(List<Violation> found, JsonNode messages) {
        for (int i = 1; i < messages.size(); i++) {
            String previous = messages.get(i - 1).path("role").asText("");
            String role = messages.get(i).path("role").asText("");
            Set<String> allowed = NEXT_ROLES.get(previous);
            if (allowed != null && NEXT_ROLES.containsKey(role) && !allowed.contains(role)) {
                // Mistral's own wording
                found.add(new Violation(Kind.SERVER_RULE, List.of("messages", i), "invalid_request_message_order",
                        "Unexpected role '" + role + "' after role '" + previous + "'", messages.get(i)));
            }
        }
    }

    private static void assistantSaysSomething(List<Violation> found, JsonNode message, int i) {
        if (!message.path("role").asText("").equals("assistant")) {
            return;
        }
        JsonNode content = message.path("content");
        boolean saysSomething = content.isTextual() && !content.textValue().isEmpty()
                || content.isArray() && !content.isEmpty();
        boolean calls = message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty();
        if (!saysSomething && !calls) {
            // Mistral's own wording
            found.add(new Violation(Kind.SERVER_RULE, List.of("messages", i), "invalid_assistant_message",
                    "Assistant message must have either content or tool_calls, but not none.", message));
        }
    }

    private static void lastMessageRule(List<Violation> found, JsonNode messages) {
        if (messages.isEmpty()) {
            found.add(new Violation(Kind.SERVER_RULE, List.of("messages"), "invalid_request_message_order",
                    "Expected last role User or Tool (or Assistant with prefix True) for serving but got no message",
                    messages));
            return;
        }
        int lastIndex = messages.size() - 1;
        JsonNode last = messages.get(lastIndex);
        String role = last.path("role").asText("");
        boolean servable = role.equals("user") || role.equals("tool")
                || role.equals("assistant") && last.path("prefix").asBoolean(false) && last.path("prefix").isBoolean();
        if (!servable) {
            // Mistral's own wording
            found.add(new Violation(Kind.SERVER_RULE, List.of("messages", lastIndex), "invalid_request_message_order",
                    "Expected last role User or Tool (or Assistant with prefix True) for serving but got "
                            + (role.isEmpty() ? "none" : role),
                    last));
        }
    }

    private static String shown(JsonNode id) {
        return id.isTextual() ? id.asText() : id.isMissingNode() ? "(none)" : id.toString();
    }
}
