package dev.mistralgateway.clientapi.responses;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.clientapi.responses.ResponseObjects.OutputText;
import dev.mistralgateway.clientapi.responses.ResponseObjects.ReasoningText;
import dev.mistralgateway.stream.SseEvents;
import dev.mistralgateway.stream.SseWriter;

/**
 * Chat chunks as the Responses API's event stream: {@code response.created} and
 * {@code response.in_progress} at the first chunk; then each output item opened
 * ({@code output_item.added}, a content part where it has one), its deltas, and closed ({@code .done}
 * events) when the next item starts or the answer ends; then {@code response.completed} (or
 * {@code response.incomplete} when the cap cut the answer) at {@code [DONE]}. A chat error event,
 * or a stream that ends with neither, ends in {@code response.failed}: never a silent end. Every
 * event has its {@code sequence_number}.
 *
 * <p>
 * A custom tool's input arrives as the JSON arguments of the function it became, which cannot
 * be cut into input text as it comes: it goes out in one delta once the call is complete.
 */
final class ResponsesStream implements ClientStream {

    private enum Open {
        NONE,
        REASONING,
        MESSAGE
    }

    private final ObjectMapper mapper;
    private final Clock clock;
    private final JsonNode request;
    private final String requestedModel;
    private final Set<String> customTools;
    private final SseEvents chat = new SseEvents();
    private final SseWriter out = new SseWriter();
    private final Turn turn = new Turn();
    private final String id = Ids.next("resp_");
    private final long createdAt;
    /** The calls by their index in the chat chunks, with their output index. */
    private final Map<Integer, Turn.Call> calls = new LinkedHashMap<>();
    private final Map<Turn.Call, Integer> callIndex = new LinkedHashMap<>();
    private Open open = Open.NONE;
    private int outputs;
    private int messageIndex = -1;
    private int reasoningIndex = -1;
    private long sequence;
    private boolean started;
    private boolean ended;
    private JsonNode completed;

    ResponsesStream(ObjectMapper mapper, Clock clock, JsonNode request, String requestedModel) {
        this.mapper = mapper;
        this.clock = clock;
        this.request = request;
        this.requestedModel = requestedModel;
        this.customTools = ResponsesTools.customNames(request);
        this.createdAt = clock.instant().getEpochSecond();
    }

    @Override
    public byte[] next(byte[] chatEvents) {
        for (String data : chat.feed(chatEvents)) {
            if (!ended) {
                event(data);
            }
        }
        return out.drain();
    }

    @Override
    public byte[] end() {
        for (String data : chat.finish()) {
            if (!ended) {
                event(data);
            }
        }
        if (!ended) {
            fail("server_error", "the upstream stream ended before the answer was complete");
        }
        return out.drain();
    }

    @Override
    public JsonNode completed() {
        return completed;
    }

    /** The response's id, which the client reads in every event and retrieves a stored response by. */
    @Override
    public String responseId() {
        return id;
    }

    private void event(String data) {
        if (data.equals("[DONE]")) {
            finish();
            return;
        }
        JsonNode chunk;
        try {
            chunk = mapper.readTree(data);
        } catch (IOException notJson) {
            fail("server_error", "the upstream sent an event that is not JSON");
            return;
        }
        if (chunk.has("error")) {
            JsonNode error = chunk.get("error");
            String type = error.path("type").asText("");
            fail(type.equals("rate_limit_error") ? "rate_limit_exceeded" : "server_error",
                    error.path("message").asText("the upstream failed"));
            return;
        }
        start(chunk);
        if (chunk.hasNonNull("usage")) {
            turn.usage = chunk.get("usage");
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            reasoning(reasoning);
        }
        String content = delta.path("content").isTextual() ? delta.get("content").textValue() : "";
        if (!content.isEmpty()) {
            text(content);
        }
        for (JsonNode call : delta.path("tool_calls")) {
            call(call);
        }
        if (choice.hasNonNull("finish_reason")) {
            turn.finishReason = choice.get("finish_reason").asText();
        }
    }

    private void start(JsonNode chunk) {
        if (turn.model == null && chunk.path("model").isTextual()) {
            turn.model = chunk.get("model").textValue();
        }
        if (started) {
            return;
        }
        started = true;
        emit(response("response.created", "in_progress", null));
        emit(response("response.in_progress", "in_progress", null));
    }

    private void reasoning(String piece) {
        if (open != Open.REASONING) {
            closeOpen();
            open = Open.REASONING;
            reasoningIndex = outputs++;
            emit(item("response.output_item.added", reasoningIndex, ResponseAnswer.reasoning(turn, "in_progress")));
            emit(part("response.content_part.added", reasoningIndex, turn.reasoningId, ReasoningText.of("")));
        }
        turn.reasoning.append(piece);
        emit(at("response.reasoning_text.delta", reasoningIndex, turn.reasoningId).put("content_index", 0)
                .put("delta", piece));
    }

    private void text(String piece) {
        if (open != Open.MESSAGE) {
            closeOpen();
            open = Open.MESSAGE;
            messageIndex = outputs++;
            emit(item("response.output_item.added", messageIndex, ResponseAnswer.message(turn, "in_progress")));
            emit(part("response.content_part.added", messageIndex, turn.messageId, OutputText.of("")));
        }
        turn.text.append(piece);
        ObjectNode delta = at("response.output_text.delta", messageIndex, turn.messageId).put("content_index", 0)
                .put("delta", piece);
        delta.putArray("logprobs");
        emit(delta);
    }

    private void call(JsonNode piece) {
        int index = piece.path("index").asInt(calls.size());
        Turn.Call call = calls.get(index);
        if (call == null) {
            closeOpen();
            String name = piece.path("function").path("name").asText("");
            String callId = piece.path("id").asText("");
            call = new Turn.Call(callId.isEmpty() ? Ids.toolCall() : callId, name, customTools.contains(name));
            calls.put(index, call);
            turn.calls.add(call);
            callIndex.put(call, outputs++);
            emit(item("response.output_item.added", callIndex.get(call), ResponseAnswer.call(call, "in_progress")));
        }
        String arguments = piece.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            call.arguments.append(arguments);
            if (!call.custom) {
                emit(at("response.function_call_arguments.delta", callIndex.get(call), call.itemId)
                        .put("delta", arguments));
            }
        }
    }

    /** The reasoning or message item that is open, closed: it is done once another item starts. */
    private void closeOpen() {
        String status = itemStatus();
        if (open == Open.REASONING) {
            String text = turn.reasoning.toString();
            emit(at("response.reasoning_text.done", reasoningIndex, turn.reasoningId).put("content_index", 0)
                    .put("text", text));
            emit(part("response.content_part.done", reasoningIndex, turn.reasoningId, ReasoningText.of(text)));
            emit(item("response.output_item.done", reasoningIndex, ResponseAnswer.reasoning(turn, status)));
        } else if (open == Open.MESSAGE) {
            String text = turn.text.toString();
            ObjectNode done = at("response.output_text.done", messageIndex, turn.messageId).put("content_index", 0)
                    .put("text", text);
            done.putArray("logprobs");
            emit(done);
            emit(part("response.content_part.done", messageIndex, turn.messageId, OutputText.of(text)));
            emit(item("response.output_item.done", messageIndex, ResponseAnswer.message(turn, status)));
        }
        open = Open.NONE;
    }

    private void finish() {
        closeOpen();
        String status = itemStatus();
        for (Turn.Call call : turn.calls) {
            int index = callIndex.get(call);
            if (call.custom) {
                String input = ResponseAnswer.customInput(call.arguments.toString());
                emit(at("response.custom_tool_call_input.delta", index, call.itemId).put("delta", input));
                emit(at("response.custom_tool_call_input.done", index, call.itemId).put("input", input));
            } else {
                emit(at("response.function_call_arguments.done", index, call.itemId).put("name", call.name)
                        .put("arguments", call.arguments.toString()));
            }
            emit(item("response.output_item.done", index, ResponseAnswer.call(call, status)));
        }
        String final_ = ResponseAnswer.finalStatus(turn);
        ObjectNode last = response(final_.equals("completed") ? "response.completed" : "response.incomplete", final_,
                null);
        completed = last.get("response");
        emit(last);
        ended = true;
    }

    private void fail(String code, String message) {
        if (!started) {
            started = true;
            emit(response("response.created", "in_progress", null));
        }
        emit(response("response.failed", "failed", new ResponseObjects.Error(code, message)));
        ended = true;
    }

    private String itemStatus() {
        return turn.incompleteReason() == null ? "completed" : "incomplete";
    }

    private ObjectNode response(String type, String status, ResponseObjects.Error error) {
        ObjectNode event = mapper.createObjectNode().put("type", type);
        event.set("response", mapper.valueToTree(ResponseAnswer.of(turn, request, id, createdAt, status, error,
                requestedModel, clock.instant().getEpochSecond())));
        return event;
    }

    private ObjectNode item(String type, int index, Object item) {
        ObjectNode event = mapper.createObjectNode().put("type", type).put("output_index", index);
        event.set("item", mapper.valueToTree(item));
        return event;
    }

    private ObjectNode part(String type, int index, String itemId, Object part) {
        ObjectNode event = at(type, index, itemId).put("content_index", 0);
        event.set("part", mapper.valueToTree(part));
        return event;
    }

    private ObjectNode at(String type, int index, String itemId) {
        return mapper.createObjectNode().put("type", type).put("item_id", itemId).put("output_index", index);
    }

    private void emit(ObjectNode event) {
        event.put("sequence_number", sequence++);
        try {
            out.event(event.path("type").asText(), mapper.writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event tree always serialises", e);
        }
    }
}
