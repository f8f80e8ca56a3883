package dev.mistralgateway.clientapi.anthropic;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * An Anthropic Messages request ({@code POST /v1/messages}, or its {@code count_tokens}) as a
 * chat-completions request. Only what has a chat counterpart is carried; the rest is dropped on
 * purpose ({@code metadata}, {@code service_tier}, {@code cache_control}, ...), so nothing Mistral's
 * schema refuses reaches it. The Anthropic table of docs/client-apis.md lists each decision.
 */
final class MessagesRequest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Sampling fields of the same name and meaning in chat ({@code top_k}: Ollama, vLLM, llama.cpp). */
    private static final Set<String> SAME_NAME = Set.of("model", "max_tokens", "temperature", "top_p", "top_k");

    private MessagesRequest() {
    }

    /** @throws GatewayException 400 naming the field, for what no chat target can carry */
    static ObjectNode toChat(JsonNode request) {
        if (!(request instanceof ObjectNode body)) {
            throw GatewayException.badRequest("send Anthropic's Messages request as a JSON object with 'model', "
                    + "'max_tokens' and 'messages'");
        }
        ObjectNode chat = JSON.objectNode();
        for (String field : SAME_NAME) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull()) {
                chat.set(field, value);
            }
        }
        chat.set("messages", MessageTurns.of(body.get("system"), body.get("messages")));
        stopSequences(body.get("stop_sequences"), chat);
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull()) {
            chat.set("stream", stream);
            if (stream.asBoolean(false)) {
                // the usage of message_delta: OpenAI-compatible servers report it only when asked
                chat.putObject("stream_options").put("include_usage", true);
            }
        }
        thinking(body.get("thinking"), chat);
        ToolDefinitions.apply(body.get("tools"), body.get("tool_choice"), chat);
        return chat;
    }

    private static void stopSequences(JsonNode sequences, ObjectNode chat) {
        if (sequences == null || sequences.isNull()) {
            return;
        }
        boolean strings = sequences.isArray();
        for (JsonNode sequence : sequences) {
            strings &= sequence.isTextual();
        }
        if (!strings) {
            throw GatewayException.badRequest("'stop_sequences' must be an array of strings");
        }
        if (!sequences.isEmpty()) {
            chat.set("stop", sequences);
        }
    }

    /**
     * Thinking on or off, as chat's {@code reasoning_effort} (which Mistral's cloud takes as
     * {@code high} or {@code none}); the budget has no chat counterpart and goes.
     */
    private static void thinking(JsonNode thinking, ObjectNode chat) {
        if (thinking == null || thinking.isNull()) {
            return;
        }
        String type = thinking.path("type").asText("");
        switch (type) {
            case "enabled", "adaptive" -> chat.put("reasoning_effort", "high");
            case "disabled" -> chat.put("reasoning_effort", "none");
            default -> throw GatewayException.badRequest("'thinking.type' must be enabled, adaptive or disabled, "
                    + "not '" + type + "'");
        }
    }
}
