package dev.mistralgateway.clientapi.responses;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * A Responses request's {@code instructions} and {@code input} as chat messages, in order:
 * instructions first as the system message, then each item. Calls the model made
 * ({@code function_call}, {@code custom_tool_call}) join the assistant message before them, as one
 * assistant turn with its tool calls; their outputs become tool messages; a reasoning item's text
 * rides on the next assistant message as {@code reasoning_content}, which targets that take it
 * replay and Mistral's cloud hygiene drops. Call ids pass as they came: the format maps them to
 * Mistral's form the same way every time.
 */
final class InputItems {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ArrayNode messages = JSON.arrayNode();
    private String reasoning;

    private InputItems() {
    }

    static ArrayNode messages(JsonNode body) {
        InputItems items = new InputItems();
        JsonNode instructions = body.get("instructions");
        if (instructions != null && instructions.isTextual() && !instructions.textValue().isEmpty()) {
            items.messages.addObject().put("role", "system").put("content", instructions.textValue());
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull() || input.isTextual() && input.textValue().isEmpty()
                || input.isArray() && input.isEmpty()) {
            throw GatewayException.badRequest("'input' is missing: send the conversation as a string or an array of "
                    + "items");
        }
        if (input.isTextual()) {
            items.messages.addObject().put("role", "user").put("content", input.textValue());
        } else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                items.item(i, input.get(i));
            }
        } else {
            throw GatewayException.badRequest("'input' must be a string or an array of items");
        }
        return items.messages;
    }

    private void item(int i, JsonNode item) {
        if (!item.isObject()) {
            throw GatewayException.badRequest("input[" + i + "] must be an object");
        }
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> message(i, item);
            case "function_call" -> call(i, item, item.path("arguments").asText("{}"));
            case "custom_tool_call" -> {
                ObjectNode arguments = JSON.objectNode().put(ResponsesTools.CUSTOM_INPUT, item.path("input").asText(""));
                call(i, item, arguments.toString());
            }
            case "function_call_output", "custom_tool_call_output" -> output(i, item);
            case "reasoning" -> reasoning(item);
            case "item_reference" -> throw GatewayException.badRequest("input[" + i + "] refers to a stored item; "
                    + "this gateway keeps no state: send the item itself");
            default -> throw GatewayException.badRequest("input[" + i + "] is of type '" + type + "', which has no "
                    + "counterpart on a Mistral model: send message, function_call, function_call_output, "
                    + "custom_tool_call, custom_tool_call_output or reasoning items");
        }
    }

    private void message(int i, JsonNode item) {
        String role = item.path("role").asText("");
        if (!Set.of("user", "assistant", "system", "developer").contains(role)) {
            throw GatewayException.badRequest("input[" + i + "].role must be user, assistant, system or developer");
        }
        ObjectNode message = JSON.objectNode().put("role", role.equals("developer") ? "system" : role);
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) {
            throw GatewayException.badRequest("input[" + i + "].content is missing: give a string or an array of "
                    + "content parts");
        }
        if (content.isTextual()) {
            message.put("content", content.textValue());
        } else if (content.isArray()) {
            if (role.equals("user")) {
                message.set("content", parts(i, content));
            } else {
                // system and assistant turns take text; Mistral's schema has no images there
                message.put("content", text(i, content));
            }
        } else {
            throw GatewayException.badRequest("input[" + i + "].content must be a string or an array of content parts");
        }
        if (role.equals("assistant") && reasoning != null) {
            message.put("reasoning_content", reasoning);
        }
        reasoning = null;
        messages.add(message);
    }

    private static ArrayNode parts(int i, JsonNode content) {
        ArrayNode parts = JSON.arrayNode();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String type = part.path("type").asText("");
            switch (type) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text")
                        .put("text", part.path("text").asText(""));
                case "input_image" -> {
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isTextual()) {
                        throw GatewayException.badRequest("input[" + i + "].content[" + p + "] gives the image by "
                                + "file_id, which needs OpenAI's file store: send image_url, a URL or a data URL");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", url.textValue());
                    if (part.path("detail").isTextual() && !part.get("detail").textValue().equals("auto")) {
                        image.put("detail", part.get("detail").textValue());
                    }
                }
                default -> throw GatewayException.badRequest("input[" + i + "].content[" + p + "] is of type '" + type
                        + "'; a Mistral model takes input_text and input_image parts");
            }
        }
        return parts;
    }

    private static String text(int i, JsonNode content) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String type = part.path("type").asText("");
            switch (type) {
                case "input_text", "output_text", "text" -> text.append(part.path("text").asText(""));
                case "refusal" -> text.append(part.path("refusal").asText(""));
                default -> throw GatewayException.badRequest("input[" + i + "].content[" + p + "] is of type '" + type
                        + "'; system and assistant messages take text parts");
            }
        }
        return text.toString();
    }

    /** A call the model made: a tool call on the assistant turn it belongs to. */
    private void call(int i, JsonNode item, String arguments) {
        String callId = item.path("call_id").asText("");
        if (callId.isEmpty()) {
            throw GatewayException.badRequest("input[" + i + "].call_id is missing");
        }
        ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
        ObjectNode assistant;
        if (last != null && last.path("role").asText().equals("assistant")) {
            assistant = last;
        } else {
            assistant = messages.addObject().put("role", "assistant").put("content", "");
            if (reasoning != null) {
                assistant.put("reasoning_content", reasoning);
                reasoning = null;
            }
        }
        ArrayNode calls = assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls")
                : assistant.putArray("tool_calls");
        ObjectNode call = calls.addObject().put("id", callId).put("type", "function");
        call.putObject("function").put("name", item.path("name").asText("")).put("arguments", arguments);
    }

    private void output(int i, JsonNode item) {
        String callId = item.path("call_id").asText("");
        if (callId.isEmpty()) {
            throw GatewayException.badRequest("input[" + i + "].call_id is missing");
        }
        JsonNode output = item.get("output");
        String content = output == null || output.isNull() ? ""
                : output.isTextual() ? output.textValue() : text(i, output);
        messages.addObject().put("role", "tool").put("tool_call_id", callId).put("content", content);
    }

    /** The reasoning's text (its content, else its summary), for the assistant turn that follows. */
    private void reasoning(JsonNode item) {
        StringBuilder text = new StringBuilder();
        JsonNode parts = item.path("content").isArray() && !item.path("content").isEmpty() ? item.get("content")
                : item.path("summary");
        for (JsonNode part : parts) {
            text.append(part.path("text").asText(""));
        }
        reasoning = text.isEmpty() ? null : text.toString();
    }
}
