package dev.mistralgateway.format.openai;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.openai.Usage;
import dev.mistralgateway.stream.SseEvents;
import dev.mistralgateway.stream.SseWriter;

/**
 * An OpenAI-compatible upstream already streams the client's events: each event's data passes
 * through unchanged, re-framed as {@code data: ...\n\n} so an event split across reads reaches the
 * client whole, and {@code [DONE]} is sent exactly once, only when the upstream sent it: a stream
 * that ends without it, or with an error event, ends with an error event instead. Only a
 * reasoning model's events, whose content is chunks, are rewritten ({@link ContentChunks}).
 */
final class OpenAiStreamTranslator implements StreamTranslator {

    private static final String DONE = "[DONE]";

    private final ObjectMapper mapper;
    /** Codestral streams chat chunks; the completions client reads text_completion ones. */
    private final boolean fillInTheMiddle;
    private final SseEvents events = new SseEvents();
    private final SseWriter out = new SseWriter();
    private boolean done;
    private String failure;
    private Usage usage;
    private long eventsPassed;

    OpenAiStreamTranslator(ObjectMapper mapper, boolean fillInTheMiddle) {
        this.mapper = mapper;
        this.fillInTheMiddle = fillInTheMiddle;
    }

    @Override
    public byte[] next(byte[] upstreamBytes) {
        events.feed(upstreamBytes).forEach(this::write);
        return out.drain();
    }

    /** Without the upstream's {@code [DONE]}, the answer may be cut short: the client is told so, not given one. */
    @Override
    public byte[] end() {
        events.finish().forEach(this::write);
        if (!done) {
            fail("the upstream's stream ended before its [DONE]: the answer may be cut short");
        }
        return out.drain();
    }

    @Override
    public boolean ended() {
        return done;
    }

    @Override
    public String failure() {
        return failure;
    }

    private void fail(String why) {
        try {
            out.event(mapper.writeValueAsBytes(ErrorBody.of(502, why)));
        } catch (IOException e) {
            throw new IllegalStateException("an error record always serialises", e);
        }
        failure = why;
        done = true;
    }

    private void write(String data) {
        if (done) {
            return;
        }
        if (data.equals(DONE)) {
            out.done();
            done = true;
        } else if (data.startsWith("{\"error\"") || data.startsWith("{\"object\":\"error\"")) {
            upstreamError(data);
        } else if (fillInTheMiddle) {
            textCompletionChunk(data);
        } else if (data.contains("\"content\":[")) {
            reasoningChunks(data);
        } else {
            pass(data);
        }
    }

    /** An error event from the upstream (llama.cpp, vLLM, Mistral) ends the stream as a failure. */
    private void upstreamError(String data) {
        String message = data;
        try {
            JsonNode error = mapper.readTree(data);
            message = MistralErrors.toOpenAi(502, error).map(body -> body.error().message())
                    .orElseGet(() -> error.path("error").path("message").asText(data));
        } catch (IOException e) {
            // not JSON: its text is the message
        }
        fail("the upstream's stream failed: " + message);
    }

    private void textCompletionChunk(String data) {
        String translated = data;
        try {
            JsonNode chunk = mapper.readTree(data);
            if (chunk != null && chunk.path("choices").isArray()) {
                translated = mapper.writeValueAsString(MistralFim.textCompletion(chunk));
            }
        } catch (IOException e) {
            // not JSON: passed through as it came
        }
        pass(translated);
    }

    /** A reasoning model's chunks, as the events OpenAI clients read ({@link ContentChunks}). */
    private void reasoningChunks(String data) {
        List<ObjectNode> events = List.of();
        try {
            if (mapper.readTree(data) instanceof ObjectNode event) {
                events = ContentChunks.flattenEvent(event);
            }
        } catch (IOException e) {
            // not JSON: passed through below all the same
        }
        if (events.isEmpty()) {
            pass(data);
            return;
        }
        for (ObjectNode event : events) {
            String translated = event.toString();
            pass(translated);
        }
    }

    /** One event to the client, counted for the token cap, and read for usage. */
    private void pass(String data) {
        out.event(data);
        eventsPassed++;
        noteUsage(data);
    }

    /** Mistral and OpenAI report usage in one of the last chunks; only those chunks are parsed. */
    private void noteUsage(String data) {
        if (!data.contains("\"usage\"")) {
            return;
        }
        try {
            JsonNode chunk = mapper.readTree(data);
            Usage reported = chunk == null ? null : OpenAiFormat.usageOf(chunk);
            if (reported != null) {
                usage = reported;
            }
        } catch (IOException e) {
            // not JSON: passed through all the same, just not counted
        }
    }

    @Override
    public long outputTokens() {
        return eventsPassed;
    }

    @Override
    public Usage usage() {
        return usage;
    }
}
