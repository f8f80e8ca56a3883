package dev.mistralgateway.format.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Two orders of roles OpenAI takes and Mistral refuses ("Unexpected role 'user' after role 'tool'",
 * "... 'system' after role 'assistant'"), each repaired with the smallest change that keeps what
 * the history says. Agents send both: a follow-up question after a tool turn, a {@code developer}
 * note in the middle of a conversation. Part of {@link MistralMessages}.
 * <ul>
 * <li>A system message after an assistant or tool message becomes a user message, its content
 * unchanged: Mistral takes system messages only before the conversation, and the note keeps its
 * place in it.</li>
 * <li>A user message right after a tool message gets an assistant message before it, as the turn
 * the model did not take: Mistral wants the assistant to speak after tool results, and refuses an
 * empty assistant message, so it says {@value #BRIDGE}.</li>
 * </ul>
 */
final class MessageOrder {

    /** What the inserted assistant turn says: as little as Mistral takes. */
    static final String BRIDGE = "Ok.";

    private MessageOrder() {
    }

    static void systemAfterConversationAsUser(ObjectNode body) {
        if (!(body.get("messages") instanceof ArrayNode messages)) {
            return;
        }
        for (int i = 1; i < messages.size(); i++) {
            String previous = roleOf(messages, i - 1);
            if (roleOf(messages, i).equals("system") && (previous.equals("assistant") || previous.equals("tool"))) {
                ((ObjectNode) messages.get(i)).put("role", "user");
            }
        }
    }

    static void assistantBetweenToolAndUser(ObjectNode body) {
        if (!(body.get("messages") instanceof ArrayNode messages)) {
            return;
        }
        for (int i = 1; i < messages.size(); i++) {
            if (roleOf(messages, i).equals("user") && roleOf(messages, i - 1).equals("tool")) {
                messages.insert(i, JsonNodeFactory.instance.objectNode().put("role", "assistant").put("content", BRIDGE));
            }
        }
    }

    private static String roleOf(ArrayNode messages, int i) {
        return messages.get(i) instanceof ObjectNode message ? message.path("role").asText("") : "";
    }
}
