package dev.mistralgateway.format.ollama;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.config.RouteType;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.openai.ChatCompletion;
import dev.mistralgateway.openai.ChatCompletionChunk;
import dev.mistralgateway.openai.Ids;
import dev.mistralgateway.openai.TextCompletion;
import dev.mistralgateway.openai.Usage;
import dev.mistralgateway.pipeline.ClientRequest;
import dev.mistralgateway.stream.JsonLines;
import dev.mistralgateway.stream.SseWriter;

/**
 * Ollama's NDJSON stream as OpenAI chunks: {@code chat.completion.chunk} events (the role on the
 * first, then content, reasoning and tool calls with ids) or {@code text_completion} chunks; the
 * {@code done:true} line gives the last chunk with its {@code finish_reason} and, when the client
 * asked with {@code stream_options.include_usage}, a usage chunk with Ollama's own counts.
 */
final class OllamaStreamTranslator implements StreamTranslator {

    /** A content no model sends, serialised as {@code "\u0000"}: where a chunk's content goes. */
    private static final String MARK = "\u0000";
    private static final byte[] MARK_JSON = "\"\\u0000\"".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper mapper;
    private final Clock clock;
    private final ClientRequest request;
    private final boolean includeUsage;
    private final JsonLines lines = new JsonLines();
    private final SseWriter out = new SseWriter();

    private String id;
    private long created;
    private String model;
    private boolean roleSent;
    private int toolCallsSent;
    private boolean finished;
    private String failure;
    private Usage usage;
    private long linesRead;
    private String finishReason;
    /** The JSON of a content chunk of this stream before and after its content's quoted text. */
    private byte[] contentPrefix;
    private byte[] contentSuffix;

    OllamaStreamTranslator(ObjectMapper mapper, Clock clock, ClientRequest request) {
        this.mapper = mapper;
        this.clock = clock;
        this.request = request;
        this.includeUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
    }

    @Override
    public byte[] next(byte[] upstreamBytes) {
        lines.feed(upstreamBytes).forEach(this::line);
        return out.drain();
    }

    @Override
    public byte[] end() {
        lines.finish().forEach(this::line);
        if (!finished) {
            error("the upstream stream ended before Ollama said it was done");
        }
        return out.drain();
    }

    private void line(byte[] text) {
        if (finished) {
            return;
        }
        linesRead++;
        if (id != null && plainPiece(text)) {
            return;
        }
        JsonNode line;
        try {
            line = mapper.readTree(text);
        } catch (IOException e) {
            error("the upstream stream sent a line that is not JSON");
            return;
        }
        if (line.path("error").isTextual()) {
            error(line.get("error").textValue());
            return;
        }
        if (id == null) {
            id = Ids.next(request.routeType() == RouteType.CHAT ? "chatcmpl-" : "cmpl-");
            created = OllamaAnswers.created(line, clock);
            model = line.path("model").isTextual() ? line.get("model").textValue() : request.model();
        }
        if (request.routeType() == RouteType.CHAT) {
            chat(line);
        } else {
            completion(line.path("response").asText(""));
        }
        if (line.path("done").asBoolean(false)) {
            finish(line);
        }
    }

    /**
     * Most lines of a stream carry a piece of text and nothing else: those are read field by field,
     * without a tree, and translated at once. Any other line (done, an error, tool calls, a field of
     * an unexpected type, not JSON) returns false, for the general path.
     */
    private boolean plainPiece(byte[] text) {
        String content = null;
        String thinking = null;
        String response = null;
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "done" -> {
                        if (value != JsonToken.VALUE_FALSE) {
                            return false;
                        }
                    }
                    case "response" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return false;
                        }
                        response = parser.getText();
                    }
                    case "message" -> {
                        if (value != JsonToken.START_OBJECT) {
                            return false;
                        }
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String name = parser.currentName();
                            JsonToken part = parser.nextToken();
                            if (name.equals("content") || name.equals("thinking")) {
                                if (part != JsonToken.VALUE_STRING) {
                                    return false;
                                }
                                if (name.equals("content")) {
                                    content = parser.getText();
                                } else {
                                    thinking = parser.getText();
                                }
                            } else if (name.equals("tool_calls")) {
                                return false;
                            } else {
                                parser.skipChildren();
                            }
                        }
                    }
                    case "error" -> {
                        return false;
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        if (request.routeType() == RouteType.CHAT) {
            chat(content == null ? "" : content, thinking == null || thinking.isEmpty() ? null : thinking, List.of());
        } else {
            completion(response == null ? "" : response);
        }
        return true;
    }

    private void chat(JsonNode line) {
        JsonNode message = line.path("message");
        String content = message.path("content").asText("");
        String thinking = message.path("thinking").isTextual() && !message.get("thinking").textValue().isEmpty()
                ? message.get("thinking").textValue()
                : null;
        List<ChatCompletionChunk.ToolCallDelta> toolCalls = new ArrayList<>();
        for (ChatCompletion.ToolCall call : OllamaAnswers.toolCalls(message.get("tool_calls"))) {
            toolCalls.add(new ChatCompletionChunk.ToolCallDelta(toolCallsSent++, call.id(), call.type(), call.function()));
        }
        chat(content, thinking, toolCalls);
    }

    private void chat(String content, String thinking, List<ChatCompletionChunk.ToolCallDelta> toolCalls) {
        if (roleSent && content.isEmpty() && thinking == null && toolCalls.isEmpty()) {
            return;
        }
        if (roleSent && thinking == null && toolCalls.isEmpty()) {
            contentChunk(content);
            return;
        }
        ChatCompletionChunk.Delta delta = new ChatCompletionChunk.Delta(roleSent ? null : "assistant", content,
                toolCalls.isEmpty() ? null : toolCalls, thinking);
        roleSent = true;
        write(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                List.of(new ChatCompletionChunk.Choice(0, delta, null)), null));
    }

    /**
     * Most events of a chat stream: a piece of content and nothing else. Everything around the
     * content is the same for the whole stream, so it is serialised once, from the record itself
     * (cut around a marker), and each event only quotes its content in between.
     */
    private void contentChunk(String content) {
        if (contentPrefix == null) {
            byte[] template = serialize(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                    List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, MARK, null, null),
                            null)),
                    null));
            int at = lastIndexOf(template, MARK_JSON);
            contentPrefix = Arrays.copyOfRange(template, 0, at + 1);
            contentSuffix = Arrays.copyOfRange(template, at + MARK_JSON.length - 1, template.length);
        }
        out.eventOfParts(contentPrefix, JsonStringEncoder.getInstance().quoteAsUTF8(content), contentSuffix);
    }

    /** The content comes last in a chunk: a model name holding the marker cannot come after it. */
    private static int lastIndexOf(byte[] bytes, byte[] part) {
        outer: for (int i = bytes.length - part.length; i >= 0; i--) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("the marker is always in the template");
    }

    private void completion(String text) {
        if (!text.isEmpty()) {
            write(new TextCompletion(id, TextCompletion.OBJECT, created, model,
                    List.of(new TextCompletion.Choice(0, text, null, null)), null));
        }
    }

    private void finish(JsonNode line) {
        String reason = toolCallsSent > 0 ? "tool_calls" : OllamaAnswers.finishReason(line, request);
        finishReason = reason;
        if (request.routeType() == RouteType.CHAT) {
            write(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                    List.of(new ChatCompletionChunk.Choice(0, ChatCompletionChunk.Delta.EMPTY, reason)), null));
        } else {
            write(new TextCompletion(id, TextCompletion.OBJECT, created, model,
                    List.of(new TextCompletion.Choice(0, "", null, reason)), null));
        }
        usage = Usage.of(line.path("prompt_eval_count").asLong(0), line.path("eval_count").asLong(0));
        if (includeUsage) {
            if (request.routeType() == RouteType.CHAT) {
                write(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, List.of(), usage));
            } else {
                write(new TextCompletion(id, TextCompletion.OBJECT, created, model, List.of(), usage));
            }
        }
        out.done();
        finished = true;
    }

    @Override
    public long outputTokens() {
        return linesRead;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    /** An error after events went out: one error event, then the stream ends (no [DONE]). */
    private void error(String message) {
        write(ErrorBody.of(502, message));
        finished = true;
        failure = message;
    }

    @Override
    public boolean ended() {
        return finished;
    }

    @Override
    public String failure() {
        return failure;
    }

    private void write(Object event) {
        out.event(serialize(event));
    }

    private byte[] serialize(Object event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event record always serialises", e);
        }
    }

    /** The id the gateway gave the stream's chunks (Ollama names none). */
    @Override
    public String responseId() {
        return id;
    }

    @Override
    public String responseModel() {
        return model;
    }

    @Override
    public List<String> finishReasons() {
        return finishReason == null ? List.of() : List.of(finishReason);
    }
}
