package dev.mistralgateway.format.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.CachedTokens;
import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.stream.SseEvents;
import dev.mistralgateway.stream.SseWriter;

/**
 * An OpenAI-compatible upstream already streams the client's events: each event's data passes
 * through unchanged, re-framed as {@code data: ...\n\n} so an event split across reads reaches the
 * client whole, and {@code [DONE]} is sent exactly once, only when the upstream sent it: a stream
 * that ends without it, or with an error event, ends with an error event instead. Only a
 * reasoning model's events, whose content is chunks, are rewritten ({@link ContentChunks}), and the
 * events of a request that needs an {@link AnswerRewrite}.
 */
final class OpenAiStreamTranslator implements StreamTranslator {

    private static final String DONE = "[DONE]";

    private final ObjectMapper mapper;
    /** Codestral streams chat chunks; the completions client reads text_completion ones. */
    private final boolean fillInTheMiddle;
    /** What this request needs changed in each event, e.g. the repeated prefix removed. */
    private final List<AnswerRewrite> rewrites;
    private final SseEvents events = new SseEvents();
    private final SseWriter out = new SseWriter();
    private boolean done;
    private String failure;
    private Usage usage;
    private long eventsPassed;
    private String responseId;
    private String responseModel;
    private final List<String> finishReasons = new ArrayList<>();

    OpenAiStreamTranslator(ObjectMapper mapper, boolean fillInTheMiddle) {
        this(mapper, fillInTheMiddle, List.of());
    }

    OpenAiStreamTranslator(ObjectMapper mapper, boolean fillInTheMiddle, List<AnswerRewrite> rewrites) {
        this.mapper = mapper;
        this.fillInTheMiddle = fillInTheMiddle;
        this.rewrites = rewrites;
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

    /**
     * Each event is decided on as JSON: a look at its text ({@link JsonPrefilter}) only spares the
     * parse of events that cannot be an error, hold content chunks or need a rewrite.
     */
    private void write(String data) {
        if (done) {
            return;
        }
        if (data.equals(DONE)) {
            out.done();
            done = true;
            return;
        }
        JsonNode event = JsonPrefilter.mayHold(data, "error") ? parse(data) : null;
        if (event != null && isError(event)) {
            upstreamError(data, event);
        } else if (fillInTheMiddle) {
            textCompletionChunk(data, event);
        } else if (!rewrites.isEmpty() || JsonPrefilter.mayHoldArrayAt(data, "content")) {
            translated(data, event != null ? event : parse(data));
        } else {
            pass(data, event);
        }
    }

    /** The event as JSON, or null when it is not JSON (it is then passed on as it came). */
    private JsonNode parse(String data) {
        try {
            return mapper.readTree(data);
        } catch (IOException e) {
            return null;
        }
    }

    /** OpenAI-compatible servers send {@code {"error":{...}}}, Mistral {@code {"object":"error",...}}. */
    private static boolean isError(JsonNode event) {
        return event.isObject() && (event.hasNonNull("error") || event.path("object").asText("").equals("error"));
    }

    /** An error event from the upstream (llama.cpp, vLLM, Mistral) ends the stream as a failure. */
    private void upstreamError(String data, JsonNode error) {
        String message = MistralErrors.toOpenAi(502, error).map(body -> body.error().message())
                .orElseGet(() -> error.path("error").path("message").asText(data));
        fail("the upstream's stream failed: " + message);
    }

    private void textCompletionChunk(String data, JsonNode parsed) {
        JsonNode chunk = parsed != null ? parsed : parse(data);
        if (chunk != null && chunk.path("choices").isArray()) {
            pass(write(MistralFim.textCompletion(chunk)), null);
        } else {
            pass(data, chunk);
        }
    }

    /**
     * A reasoning model's chunks, as the events OpenAI clients read ({@link ContentChunks}), and
     * the request's rewrites; an event nothing changes goes on as it came.
     */
    private void translated(String data, JsonNode parsed) {
        if (!(parsed instanceof ObjectNode event)) {
            pass(data, parsed);
            return;
        }
        List<ObjectNode> flattened = ContentChunks.flattenEvent(event);
        boolean changed = !flattened.isEmpty();
        List<ObjectNode> events = changed ? flattened : List.of(event);
        for (ObjectNode one : events) {
            for (AnswerRewrite rewrite : rewrites) {
                changed |= rewrite.event(one);
            }
        }
        if (!changed) {
            pass(data, event);
            return;
        }
        for (ObjectNode one : events) {
            pass(one.toString(), one);
        }
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("a record always serialises", e);
        }
    }

    /**
     * One event to the client, counted for the token cap, and read (its tree, when parsed already) for
     * usage and for the answer's id, model and finish reasons. Only the events that may hold usage or a
     * finish reason are parsed for it, one or two a stream: every chunk names the id and model.
     */
    private void pass(String data, JsonNode parsed) {
        JsonNode chunk = parsed != null ? parsed
                : JsonPrefilter.mayHold(data, "usage") || JsonPrefilter.mayHoldNonNullAt(data, "finish_reason")
                        ? parse(data)
                        : null;
        // the usage chunk's cached tokens, where OpenAI's clients read them
        out.event(chunk != null && CachedTokens.inOpenAiWords(chunk) ? chunk.toString() : data);
        eventsPassed++;
        if (chunk == null) {
            return;
        }
        Usage reported = OpenAiFormat.usageOf(chunk);
        if (reported != null) {
            usage = reported;
        }
        if (responseId == null && chunk.path("id").isTextual()) {
            responseId = chunk.get("id").textValue();
        }
        if (responseModel == null && chunk.path("model").isTextual()) {
            responseModel = chunk.get("model").textValue();
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("finish_reason").isTextual()) {
                finishReasons.add(choice.get("finish_reason").textValue());
            }
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

    @Override
    public String responseId() {
        return responseId;
    }

    @Override
    public String responseModel() {
        return responseModel;
    }

    @Override
    public List<String> finishReasons() {
        return List.copyOf(finishReasons);
    }
}
