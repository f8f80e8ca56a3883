package dev.mistralgateway.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.error.GatewayException;

/**
 * OpenAI's first function calling ({@code functions}, {@code function_call}, the {@code function}
 * role), which older clients and frameworks still send, as Mistral's tools, both ways: the request's
 * functions become function tools and its {@code function_call} the {@code tool_choice}, a history's
 * function calls become tool calls (ids made from their place, so a call and the function message
 * after it match) and {@code function} messages tool messages; and the answer's tool call comes
 * back as the {@code function_call} such a client reads, with {@code finish_reason}
 * {@code function_call}. One call an answer, as the legacy API has it: parallel calls are turned
 * off.
 */
final class LegacyFunctions implements AnswerRewrite {

    private LegacyFunctions() {
    }

    /** The rewrite of the answers, when the client asked with {@code functions} rather than tools. */
    static LegacyFunctions forAnswersTo(ObjectNode clientBody) {
        return clientBody.hasNonNull("functions") && !clientBody.hasNonNull("tools") ? new LegacyFunctions() : null;
    }

    /** The request in tools; 400 when it mixes both ways of asking. */
    static void toTools(ObjectNode body) {
        JsonNode functions = body.remove("functions");
        JsonNode call = body.remove("function_call");
        if (functions instanceof ArrayNode list && !list.isEmpty()) {
            if (body.hasNonNull("tools")) {
                throw GatewayException.badRequest("send either 'tools' or the older 'functions', not both");
            }
            ArrayNode tools = body.putArray("tools");
            list.forEach(function -> tools.addObject().put("type", "function").set("function", function));
            if (!body.has("parallel_tool_calls")) {
                body.put("parallel_tool_calls", false);
            }
        }
        if (call != null && !call.isNull()) {
            if (body.hasNonNull("tool_choice")) {
                throw GatewayException.badRequest("send either 'tool_choice' or the older 'function_call', not both");
            }
            if (call.isObject()) {
                body.putObject("tool_choice").put("type", "function").putObject("function").set("name", call.get("name"));
            } else {
                body.set("tool_choice", call); // "none" and "auto" are the same words
            }
        }
        if (body.get("messages") instanceof ArrayNode messages) {
            history(messages);
        }
    }

    private static void history(ArrayNode messages) {
        String lastCall = null;
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof ObjectNode message)) {
                continue;
            }
            String role = message.path("role").asText("");
            JsonNode call = message.get("function_call");
            if (role.equals("assistant") && call instanceof ObjectNode function && !message.hasNonNull("tool_calls")) {
                lastCall = Ids.mistralToolCallId("function_call_" + i);
                ObjectNode toolCall = message.putArray("tool_calls").addObject().put("id", lastCall).put("type", "function");
                toolCall.set("function", function);
                message.remove("function_call");
            } else if (role.equals("function")) {
                message.put("role", "tool");
                message.put("tool_call_id", lastCall != null ? lastCall : Ids.mistralToolCallId("function_call_" + i));
            }
        }
    }

    @Override
    public boolean answer(JsonNode answer) {
        return each(answer, "message");
    }

    @Override
    public boolean event(ObjectNode event) {
        return each(event, "delta");
    }

    private static boolean each(JsonNode answer, String part) {
        boolean changed = false;
        for (JsonNode choice : answer.path("choices")) {
            if (choice.get(part) instanceof ObjectNode said && said.get("tool_calls") instanceof ArrayNode calls) {
                said.remove("tool_calls");
                JsonNode first = calls.isEmpty() ? null : calls.get(0).get("function");
                if (first instanceof ObjectNode function) {
                    said.set("function_call", function.deepCopy().retain("name", "arguments"));
                }
                changed = true;
            }
            if (choice instanceof ObjectNode object && object.path("finish_reason").asText("").equals("tool_calls")) {
                object.put("finish_reason", "function_call");
                changed = true;
            }
        }
        return changed;
    }
}
