package dev.mistralgateway.clientapi.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * Anthropic's client tools ({@code name}, {@code description}, {@code input_schema}) as chat
 * function tools, and {@code tool_choice} as chat's. Anthropic's server tools (web search, web
 * fetch, code execution, computer use, bash, text editor, memory, tool search, ...: every tool
 * with a {@code type} other than {@code custom}) run at Anthropic, and no chat target can run
 * them: each gets a 400 that names it, rather than a model that calls a tool nobody answers.
 */
final class ToolDefinitions {

    private ToolDefinitions() {
    }

    static void apply(JsonNode tools, JsonNode choice, ObjectNode chat) {
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw GatewayException.badRequest("'tools' must be an array of tools");
            }
            ArrayNode functions = chat.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                functions.add(function("tools[" + i + "]", tools.get(i)));
            }
            if (functions.isEmpty()) {
                chat.remove("tools");
            }
        }
        if (choice != null && !choice.isNull()) {
            toolChoice(choice, chat);
        }
    }

    private static ObjectNode function(String at, JsonNode tool) {
        String type = tool.path("type").asText("custom");
        String name = tool.path("name").asText("");
        if (!type.equals("custom")) {
            throw GatewayException.badRequest(at + ": '" + name + "' (" + type + ") is one of Anthropic's server "
                    + "tools, which Anthropic runs itself and this route's targets cannot; remove it, or define "
                    + "a tool of your own with 'name', 'description' and 'input_schema' that your client runs");
        }
        if (name.isEmpty() || !tool.path("input_schema").isObject()) {
            throw GatewayException.badRequest(at + " needs a 'name' and an 'input_schema' object");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", "function");
        ObjectNode function = out.putObject("function").put("name", name);
        if (tool.path("description").isTextual()) {
            function.set("description", tool.get("description"));
        }
        function.set("parameters", tool.get("input_schema"));
        return out;
    }

    /**
     * {@code auto}, {@code none}, {@code any} (chat's {@code required}) and one named tool;
     * {@code disable_parallel_tool_use} is chat's {@code parallel_tool_calls: false}.
     */
    private static void toolChoice(JsonNode choice, ObjectNode chat) {
        String type = choice.path("type").asText("");
        switch (type) {
            case "auto", "none" -> chat.put("tool_choice", type);
            case "any" -> chat.put("tool_choice", "required");
            case "tool" -> {
                if (!choice.path("name").isTextual()) {
                    throw GatewayException.badRequest("'tool_choice' of type tool needs the tool's 'name'");
                }
                ObjectNode named = chat.putObject("tool_choice").put("type", "function");
                named.putObject("function").put("name", choice.get("name").textValue());
            }
            default -> throw GatewayException.badRequest("'tool_choice.type' must be auto, any, tool or none, not '"
                    + type + "'");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false) && !type.equals("none")) {
            chat.put("parallel_tool_calls", false);
        }
    }
}
