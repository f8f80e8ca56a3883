package dev.mistralgateway.clientapi.anthropic;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * Anthropic's {@code system} and {@code messages} as chat messages. A user turn's
 * {@code tool_result} blocks become tool messages, in their order, before the user message that
 * holds the turn's other blocks (chat wants the tool answers right after the assistant's calls);
 * an assistant turn's {@code tool_use} blocks become its {@code tool_calls}, their ids as the
 * client sent them, so that the upstream format maps them as it maps every chat client's
 * ({@code Ids.mistralToolCallId} for Mistral's cloud). {@code cache_control} is never copied: the
 * targets cache on their own. {@code thinking} and {@code redacted_thinking} blocks of earlier
 * turns are dropped: chat targets take no earlier reasoning back, and the gateway's thinking
 * blocks carry no signature to check.
 */
final class MessageTurns {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private MessageTurns() {
    }

    /** The chat messages of an Anthropic request: the system prompt first, then each turn's. */
    static ArrayNode of(JsonNode system, JsonNode messages) {
        ArrayNode out = JSON.arrayNode();
        if (system != null && !system.isNull()) {
            out.addObject().put("role", "system").put("content", systemText(system));
        }
        if (messages == null || !messages.isArray()) {
            throw GatewayException.badRequest("'messages' must be an array of {\"role\":\"user\"|\"assistant\","
                    + "\"content\":...} turns");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode turn = messages.get(i);
            String at = "messages[" + i + "]";
            String role = turn.path("role").asText("");
            switch (role) {
                case "user" -> user(at, turn.get("content"), out);
                case "assistant" -> out.add(assistant(at, turn.get("content")));
                default -> throw GatewayException.badRequest(at + ".role must be user or assistant, not '" + role
                        + "' (the system prompt goes in 'system')");
            }
        }
        return out;
    }

    /** A string, or text blocks (Claude Code sends blocks with cache_control), as one text. */
    private static String systemText(JsonNode system) {
        if (system.isTextual()) {
            return system.textValue();
        }
        if (!system.isArray()) {
            throw GatewayException.badRequest("'system' must be a string or an array of text blocks");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            texts.add(text("system[" + i + "]", system.get(i)));
        }
        return String.join("\n", texts);
    }

    private static void user(String at, JsonNode content, ArrayNode out) {
        if (content != null && content.isTextual()) {
            out.addObject().put("role", "user").put("content", content.textValue());
            return;
        }
        ArrayNode parts = JSON.arrayNode();
        int count = blocks(at, content).size();
        for (int j = 0; j < count; j++) {
            JsonNode block = content.get(j);
            String here = at + ".content[" + j + "]";
            switch (block.path("type").asText("")) {
                case "text" -> parts.addObject().put("type", "text").put("text", text(here, block));
                case "image" -> parts.add(image(here, block));
                case "tool_result" -> out.add(toolResult(here, block, parts));
                case "thinking", "redacted_thinking" -> {
                    // earlier reasoning: no chat target takes it back
                }
                default -> throw unsupported(here, block, "text, image and tool_result");
            }
        }
        if (!parts.isEmpty()) {
            out.add(userMessage(parts));
        }
    }

    /** Text alone as a string, which every target takes; images keep the parts. */
    private static ObjectNode userMessage(ArrayNode parts) {
        ObjectNode message = JSON.objectNode().put("role", "user");
        boolean textOnly = true;
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
            textOnly &= part.path("type").asText().equals("text");
            texts.add(part.path("text").asText(""));
        }
        if (textOnly) {
            message.put("content", String.join("\n", texts));
        } else {
            message.set("content", parts);
        }
        return message;
    }

    /**
     * One tool message: its text, marked when the tool failed (chat has no flag for it); images
     * of the result go to the user message after it, since tool messages take text at most targets.
     */
    private static ObjectNode toolResult(String at, JsonNode block, ArrayNode userParts) {
        JsonNode id = block.get("tool_use_id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            throw GatewayException.badRequest(at + ".tool_use_id must name the tool_use block it answers");
        }
        JsonNode content = block.get("content");
        StringBuilder text = new StringBuilder();
        if (content != null && content.isTextual()) {
            text.append(content.textValue());
        } else if (content != null && content.isArray()) {
            for (int k = 0; k < content.size(); k++) {
                JsonNode part = content.get(k);
                String here = at + ".content[" + k + "]";
                switch (part.path("type").asText("")) {
                    case "text" -> text.append(text.isEmpty() ? "" : "\n").append(text(here, part));
                    case "image" -> userParts.add(image(here, part));
                    default -> throw unsupported(here, part, "text and image");
                }
            }
        } else if (content != null && !content.isNull()) {
            throw GatewayException.badRequest(at + ".content must be a string or an array of text and image blocks");
        }
        String result = block.path("is_error").asBoolean(false) ? "Error: " + text : text.toString();
        return JSON.objectNode().put("role", "tool").put("tool_call_id", id.textValue()).put("content", result);
    }

    private static ObjectNode assistant(String at, JsonNode content) {
        ObjectNode message = JSON.objectNode().put("role", "assistant");
        if (content != null && content.isTextual()) {
            return message.put("content", content.textValue());
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = JSON.arrayNode();
        int count = blocks(at, content).size();
        for (int j = 0; j < count; j++) {
            JsonNode block = content.get(j);
            String here = at + ".content[" + j + "]";
            switch (block.path("type").asText("")) {
                case "text" -> text.append(text(here, block));
                case "tool_use" -> calls.add(toolCall(here, block));
                case "thinking", "redacted_thinking" -> {
                    // earlier reasoning: no chat target takes it back
                }
                default -> throw unsupported(here, block, "text, tool_use, thinking and redacted_thinking");
            }
        }
        message.put("content", text.toString());
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        return message;
    }

    private static ObjectNode toolCall(String at, JsonNode block) {
        JsonNode id = block.get("id");
        JsonNode name = block.get("name");
        if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
            throw GatewayException.badRequest(at + ": a tool_use block needs its 'id' and 'name'");
        }
        JsonNode input = block.get("input");
        ObjectNode call = JSON.objectNode().put("id", id.textValue()).put("type", "function");
        call.putObject("function").put("name", name.textValue())
                .put("arguments", input == null || input.isNull() ? "{}" : input.toString());
        return call;
    }

    /** Base64 data as a data URL, a URL as it is: the chat {@code image_url} part takes both. */
    private static ObjectNode image(String at, JsonNode block) {
        JsonNode source = block.path("source");
        String url = switch (source.path("type").asText("")) {
            case "base64" -> {
                if (!source.path("media_type").isTextual() || !source.path("data").isTextual()) {
                    throw GatewayException.badRequest(at + ".source needs 'media_type' and base64 'data'");
                }
                yield "data:" + source.get("media_type").textValue() + ";base64," + source.get("data").textValue();
            }
            case "url" -> {
                if (!source.path("url").isTextual()) {
                    throw GatewayException.badRequest(at + ".source needs its 'url'");
                }
                yield source.get("url").textValue();
            }
            default -> throw GatewayException.badRequest(at + ".source must be of type base64 or url (Anthropic's "
                    + "file ids live in Anthropic's Files API, which the gateway's targets cannot read), not '"
                    + source.path("type").asText("") + "'");
        };
        ObjectNode part = JSON.objectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static String text(String at, JsonNode block) {
        if (!block.path("type").asText("").equals("text") || !block.path("text").isTextual()) {
            throw GatewayException.badRequest(at + " must be a text block, {\"type\":\"text\",\"text\":...}");
        }
        return block.get("text").textValue();
    }

    private static JsonNode blocks(String at, JsonNode content) {
        if (content == null || !content.isArray()) {
            throw GatewayException.badRequest(at + ".content must be a string or an array of content blocks");
        }
        for (int j = 0; j < content.size(); j++) {
            if (!content.get(j).isObject()) {
                throw GatewayException.badRequest(at + ".content[" + j + "] must be a content block object");
            }
        }
        return content;
    }

    private static GatewayException unsupported(String at, JsonNode block, String taken) {
        return GatewayException.badRequest(at + ": blocks of type '" + block.path("type").asText("")
                + "' cannot be carried to this route's chat targets; send " + taken + " blocks here");
    }
}
