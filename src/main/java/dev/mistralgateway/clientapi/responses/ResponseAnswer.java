package dev.mistralgateway.clientapi.responses;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.answers.CachedTokens;
import dev.mistralgateway.clientapi.responses.ResponseObjects.Response;
import dev.mistralgateway.format.TransformationException;
import dev.mistralgateway.route.RouteType;

/**
 * A {@code Response} from a {@link Turn}, with the request's settings echoed as OpenAI echoes them;
 * and a {@code chat.completion} read into a turn.
 */
final class ResponseAnswer {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Reads a custom tool call's arguments: a plain reader, free of the application's settings. */
    private static final ObjectMapper ARGUMENTS = new ObjectMapper();

    private ResponseAnswer() {
    }

    /** The turn of a whole chat answer. */
    static Turn read(ObjectMapper mapper, byte[] chatAnswer, Set<String> customTools) {
        JsonNode answer;
        try {
            answer = mapper.readTree(chatAnswer);
        } catch (IOException e) {
            throw new TransformationException(RouteType.CHAT, "", "the chat answer is not JSON");
        }
        JsonNode choice = answer == null ? null : answer.path("choices").path(0);
        if (choice == null || !choice.isObject()) {
            throw new TransformationException(RouteType.CHAT, "", "'choices' not in llm/v1/chat response");
        }
        Turn turn = new Turn();
        turn.model = answer.path("model").isTextual() ? answer.get("model").textValue() : null;
        JsonNode message = choice.path("message");
        turn.reasoning.append(message.path("reasoning_content").asText(""));
        turn.text.append(message.path("content").isTextual() ? message.get("content").textValue() : "");
        for (JsonNode call : message.path("tool_calls")) {
            String name = call.path("function").path("name").asText("");
            Turn.Call made = new Turn.Call(call.path("id").asText(""), name, customTools.contains(name));
            JsonNode arguments = call.path("function").path("arguments");
            made.arguments.append(arguments.isTextual() ? arguments.textValue() : arguments.toString());
            turn.calls.add(made);
        }
        turn.finishReason = choice.path("finish_reason").asText(null);
        turn.usage = answer.get("usage");
        return turn;
    }

    /**
     * The response for this turn: {@code completed} (or {@code incomplete} when the cap cut it),
     * {@code failed} with an error, or {@code in_progress} while a stream has not ended.
     */
    static Response of(Turn turn, JsonNode request, String id, long createdAt, String status,
            ResponseObjects.Error error, String model, long now) {
        String reason = status.equals("incomplete") ? turn.incompleteReason() : null;
        boolean done = !status.equals("in_progress");
        return new Response(id, "response", createdAt, status, status.equals("completed") ? now : null, error,
                reason == null ? null : new ResponseObjects.IncompleteDetails(reason),
                request.path("instructions").isTextual() ? request.get("instructions") : null,
                orNull(request, "max_output_tokens"), turn.model != null ? turn.model : model,
                done ? output(turn, status) : List.of(), request.path("parallel_tool_calls").asBoolean(true),
                request.path("previous_response_id").textValue(),
                request.path("reasoning").isObject() ? request.get("reasoning") : null,
                request.path("text").isObject() ? request.get("text")
                        : JSON.objectNode().set("format",
                                JSON.objectNode().put("type", "text")),
                request.hasNonNull("tool_choice") ? request.get("tool_choice") : new TextNode("auto"),
                tools(request), orNull(request, "temperature"), orNull(request, "top_p"), "disabled",
                request.path("metadata").isObject() ? request.get("metadata") : JSON.objectNode(),
                done ? usage(turn.usage) : null);
    }

    /** The status a finished turn answers with. */
    static String finalStatus(Turn turn) {
        return turn.incompleteReason() != null ? "incomplete" : "completed";
    }

    static List<Object> output(Turn turn, String status) {
        List<Object> output = new ArrayList<>();
        String itemStatus = status.equals("completed") ? "completed" : "incomplete";
        if (!turn.reasoning.isEmpty()) {
            output.add(reasoning(turn, itemStatus));
        }
        if (turn.hasMessage()) {
            output.add(message(turn, itemStatus));
        }
        for (Turn.Call call : turn.calls) {
            output.add(call(call, itemStatus));
        }
        return output;
    }

    static ResponseObjects.Reasoning reasoning(Turn turn, String status) {
        return new ResponseObjects.Reasoning(turn.reasoningId, "reasoning", status, List.of(),
                status.equals("in_progress") ? List.of()
                        : List.of(ResponseObjects.ReasoningText.of(turn.reasoning.toString())));
    }

    static ResponseObjects.Message message(Turn turn, String status) {
        return new ResponseObjects.Message(turn.messageId, "message", "assistant", status,
                status.equals("in_progress") ? List.of() : List.of(ResponseObjects.OutputText.of(turn.text.toString())));
    }

    static Object call(Turn.Call call, String status) {
        if (call.custom) {
            return new ResponseObjects.CustomToolCall(call.itemId, "custom_tool_call", call.callId, call.name,
                    status.equals("in_progress") ? "" : customInput(call.arguments.toString()));
        }
        return new ResponseObjects.FunctionCall(call.itemId, "function_call", status, call.callId, call.name,
                status.equals("in_progress") ? "" : call.arguments.toString());
    }

    /** A custom tool's input: the one argument of the function it became (its text as a whole if not). */
    static String customInput(String arguments) {
        try {
            JsonNode parsed = ARGUMENTS.readTree(arguments);
            JsonNode input = parsed == null ? null : parsed.get(ResponsesTools.CUSTOM_INPUT);
            return input != null && input.isTextual() ? input.textValue() : arguments;
        } catch (IOException notJson) {
            return arguments;
        }
    }

    /** The request's tools as OpenAI echoes them: each function with its parameters and strictness. */
    private static JsonNode tools(JsonNode request) {
        ArrayNode tools = JSON.arrayNode();
        for (JsonNode tool : request.path("tools")) {
            if ("function".equals(tool.path("type").asText())) {
                ObjectNode function = tools.addObject().put("type", "function").put("name", tool.path("name").asText());
                if (tool.path("description").isTextual()) {
                    function.set("description", tool.get("description"));
                }
                function.set("parameters", tool.path("parameters").isObject() ? tool.get("parameters") : JSON.nullNode());
                function.set("strict", tool.path("strict").isBoolean() ? tool.get("strict") : JSON.nullNode());
            } else {
                tools.add(tool);
            }
        }
        return tools;
    }

    /** The chat usage as the Responses API counts it, cached and reasoning tokens included (0 when unreported). */
    static ResponseObjects.Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.path("prompt_tokens").canConvertToLong()) {
            return null;
        }
        long input = usage.path("prompt_tokens").asLong();
        long output = usage.path("completion_tokens").asLong();
        Long reported = CachedTokens.of(usage);
        long cached = reported == null ? 0 : reported;
        long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        return new ResponseObjects.Usage(input, new ResponseObjects.InputDetails(cached, 0), output,
                new ResponseObjects.OutputDetails(reasoning), usage.path("total_tokens").asLong(input + output));
    }

    private static JsonNode orNull(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null ? JSON.nullNode() : value;
    }
}
