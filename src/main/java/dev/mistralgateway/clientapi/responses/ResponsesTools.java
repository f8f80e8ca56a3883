package dev.mistralgateway.clientapi.responses;

import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.error.GatewayException;

/**
 * A Responses request's {@code tools} and {@code tool_choice} as chat tools. Function tools change
 * shape only (flat to nested); a custom tool (free-form input, as Codex's {@code apply_patch})
 * becomes a function with one string parameter, {@code input}, which the answer turns back into a
 * {@code custom_tool_call}. Tools that OpenAI runs on its own servers have no counterpart on a
 * Mistral model and are refused by name.
 */
final class ResponsesTools {

    /** The one parameter of the function a custom tool becomes. */
    static final String CUSTOM_INPUT = "input";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ResponsesTools() {
    }

    /** The names of the request's custom tools, whose calls come back as {@code custom_tool_call}. */
    static Set<String> customNames(JsonNode body) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode tool : body.path("tools")) {
            if ("custom".equals(tool.path("type").asText())) {
                names.add(tool.path("name").asText());
            }
        }
        return names;
    }

    /** Sets the chat body's {@code tools} and {@code tool_choice} from the Responses request's. */
    static void apply(JsonNode body, ObjectNode chat) {
        JsonNode tools = body.get("tools");
        Set<String> allowed = null;
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isObject() && "allowed_tools".equals(choice.path("type").asText())) {
            // the allowed subset is the tool list the model sees; the mode is the choice among them
            allowed = new LinkedHashSet<>();
            for (JsonNode tool : choice.path("tools")) {
                allowed.add(tool.path("name").asText());
            }
        }
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw GatewayException.badRequest("'tools' must be an array");
            }
            ArrayNode chatTools = JSON.arrayNode();
            for (int i = 0; i < tools.size(); i++) {
                ObjectNode function = function(i, tools.get(i));
                if (allowed == null || allowed.contains(function.path("function").path("name").asText())) {
                    chatTools.add(function);
                }
            }
            if (!chatTools.isEmpty()) {
                chat.set("tools", chatTools);
            }
        }
        if (choice != null && !choice.isNull()) {
            chat.set("tool_choice", choice(choice));
        }
    }

    private static ObjectNode function(int i, JsonNode tool) {
        String type = tool.path("type").asText("");
        String name = tool.path("name").asText("");
        if (!tool.isObject() || name.isEmpty() && (type.equals("function") || type.equals("custom"))) {
            throw GatewayException.badRequest("tools[" + i + "] must be an object with 'type' and 'name'");
        }
        ObjectNode function = JSON.objectNode();
        function.put("name", name);
        switch (type) {
            case "function" -> {
                copy(tool, "description", function);
                copy(tool, "parameters", function);
                copy(tool, "strict", function);
            }
            case "custom" -> {
                copy(tool, "description", function);
                ObjectNode input = JSON.objectNode().put("type", "string");
                String format = tool.path("format").path("type").asText("text");
                input.put("description", format.equals("grammar")
                        ? "the tool's input, as text following this " + tool.path("format").path("syntax").asText("")
                                + " grammar: " + tool.path("format").path("definition").asText("")
                        : "the tool's input, as free-form text");
                ObjectNode parameters = function.putObject("parameters").put("type", "object");
                parameters.putObject("properties").set(CUSTOM_INPUT, input);
                parameters.putArray("required").add(CUSTOM_INPUT);
            }
            default -> throw GatewayException.badRequest("tools[" + i + "] is OpenAI's hosted tool '" + type
                    + "', which runs on OpenAI's servers and has no counterpart on a Mistral model: send function or "
                    + "custom tools, and run this one in your application");
        }
        ObjectNode chatTool = JSON.objectNode().put("type", "function");
        chatTool.set("function", function);
        return chatTool;
    }

    /** Every Responses form of {@code tool_choice} in the chat form. */
    private static JsonNode choice(JsonNode choice) {
        if (choice.isTextual()) {
            String word = choice.textValue();
            if (word.equals("auto") || word.equals("none") || word.equals("required")) {
                return choice;
            }
            throw GatewayException.badRequest("'tool_choice' must be auto, none, required or an object, not '" + word
                    + "'");
        }
        String type = choice.path("type").asText("");
        return switch (type) {
            case "function", "custom" -> {
                ObjectNode named = JSON.objectNode().put("type", "function");
                named.putObject("function").put("name", choice.path("name").asText());
                yield named;
            }
            case "allowed_tools" -> new TextNode(choice.path("mode").asText("auto").equals("required") ? "required"
                    : "auto");
            default -> throw GatewayException.badRequest("'tool_choice' of type '" + type + "' picks one of OpenAI's "
                    + "hosted tools, which a Mistral model does not have: choose auto, none, required, a function "
                    + "or a custom tool");
        };
    }

    private static void copy(JsonNode from, String field, ObjectNode to) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(field, value);
        }
    }
}
