package dev.mistralgateway.clientapi.anthropic;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.stream.SseEvents;
import dev.mistralgateway.stream.SseWriter;

/**
 * Chat stream events as Anthropic's: {@code message_start} and a {@code ping} with the first chunk,
 * then one content block at a time (thinking, text, each tool call), each opened, filled with
 * deltas and closed; at chat's {@code [DONE]}, {@code message_delta} with the stop reason and the
 * usage, then {@code message_stop}. A chat error event, or an end without {@code [DONE]}, becomes
 * Anthropic's {@code error} event, never a silent end. One instance per attempt.
 */
final class MessageStream implements ClientStream {

    private enum Open {
        NONE,
        TEXT,
        THINKING,
        TOOL
    }

    private final ObjectMapper mapper;
    private final JsonNode clientBody;
    private final long inputEstimate;
    private final SseEvents events = new SseEvents();
    private final SseWriter out = new SseWriter();
    private boolean started;
    private boolean finished;
    private Open open = Open.NONE;
    private int openIndex = -1;
    private String openToolId;
    private int openToolChatIndex = -1;
    private boolean toolCalls;
    private String finishReason;
    private String matchedStop;
    private JsonNode usage;
    private long deltas;
    private String id;
    private String stopReason;

    MessageStream(ObjectMapper mapper, JsonNode clientBody, JsonNode chatRequest) {
        this.mapper = mapper;
        this.clientBody = clientBody;
        this.inputEstimate = TokenEstimate.of(chatRequest);
    }

    @Override
    public byte[] next(byte[] chatEvents) {
        events.feed(chatEvents).forEach(this::accept);
        return out.drain();
    }

    @Override
    public byte[] end() {
        events.finish().forEach(this::accept);
        if (!finished) {
            fail(AnthropicError.of(502, "the upstream's stream ended before it was complete"));
        }
        return out.drain();
    }

    private void accept(String data) {
        if (finished) {
            return;
        }
        if (data.equals("[DONE]")) {
            complete();
            return;
        }
        JsonNode chunk;
        try {
            chunk = mapper.readTree(data);
        } catch (IOException e) {
            return;
        }
        if (chunk == null || !chunk.isObject()) {
            return;
        }
        if (chunk.has("error")) {
            fail(AnthropicError.ofStreamEvent(chunk));
            return;
        }
        if (!started) {
            start(chunk);
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            into(Open.THINKING, AnthropicMessage.Thinking.of(""), StreamEvents.Delta.thinking(reasoning));
        }
        String text = delta.path("content").isTextual() ? delta.get("content").textValue() : "";
        if (!text.isEmpty()) {
            into(Open.TEXT, AnthropicMessage.Text.of(""), StreamEvents.Delta.text(text));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").textValue();
            matchedStop = StopAndUsage.matchedStop(choice, clientBody);
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
        }
    }

    private void start(JsonNode chunk) {
        started = true;
        id = Ids.next("msg_");
        AnthropicMessage message = new AnthropicMessage(id, AnthropicMessage.TYPE, "assistant",
                MessageAnswer.modelOf(chunk, clientBody), List.of(), null, null,
                new AnthropicMessage.Usage(inputEstimate, 0, null, null));
        write(new StreamEvents.MessageStart(message));
        write(StreamEvents.Ping.PING);
    }

    /** A delta into the open block of its kind, or into a new one. */
    private void into(Open kind, AnthropicMessage.Block block, StreamEvents.Delta delta) {
        if (open != kind) {
            openBlock(kind, block);
        }
        write(new StreamEvents.BlockDelta(openIndex, delta));
        deltas++;
    }

    /**
     * A tool call's piece: one with a new id, or of another call's index, starts a block (Mistral
     * sends each call whole, others send the arguments in pieces after the first).
     */
    private void toolCall(JsonNode call) {
        String id = call.path("id").isTextual() ? call.get("id").textValue() : null;
        int index = call.path("index").asInt(0);
        JsonNode function = call.path("function");
        boolean fresh = open != Open.TOOL || id != null && !id.equals(openToolId) || id == null && index != openToolChatIndex;
        if (fresh) {
            String name = function.path("name").asText("");
            openBlock(Open.TOOL, AnthropicMessage.ToolUse.of(id != null ? id : Ids.toolCall(), name,
                    JsonNodeFactory.instance.objectNode()));
            openToolId = id;
            openToolChatIndex = index;
            toolCalls = true;
        }
        JsonNode arguments = function.get("arguments");
        String json = arguments == null || arguments.isNull() ? ""
                : arguments.isTextual() ? arguments.textValue()
                        : arguments.toString();
        if (!json.isEmpty()) {
            write(new StreamEvents.BlockDelta(openIndex, StreamEvents.Delta.inputJson(json)));
            deltas++;
        }
    }

    private void openBlock(Open kind, AnthropicMessage.Block block) {
        closeBlock();
        open = kind;
        openIndex++;
        write(new StreamEvents.BlockStart(openIndex, block));
    }

    private void closeBlock() {
        if (open != Open.NONE) {
            write(new StreamEvents.BlockStop(openIndex));
            open = Open.NONE;
        }
    }

    private void complete() {
        if (!started) {
            start(JsonNodeFactory.instance.objectNode());
        }
        closeBlock();
        stopReason = StopAndUsage.stopReason(finishReason, toolCalls, matchedStop);
        AnthropicMessage.Usage counted = StopAndUsage.usage(usage);
        write(new StreamEvents.MessageDelta(
                new StreamEvents.Stop(stopReason, stopReason.equals("stop_sequence") ? matchedStop : null),
                counted != null ? counted : new AnthropicMessage.Usage(inputEstimate, deltas, null, null)));
        write(StreamEvents.MessageStop.STOP);
        finished = true;
    }

    private void fail(AnthropicError error) {
        write(error);
        finished = true;
    }

    private void write(StreamEvents.Event event) {
        try {
            out.event(event.type(), mapper.writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event record always serialises", e);
        }
    }

    @Override
    public String responseId() {
        return id;
    }

    @Override
    public String stopReason() {
        return stopReason;
    }
}
