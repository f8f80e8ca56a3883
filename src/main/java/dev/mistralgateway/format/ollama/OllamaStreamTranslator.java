package dev.mistralgateway.format.ollama;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.ChatCompletion;
import dev.mistralgateway.answers.ChatCompletionChunk;
import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.answers.TextCompletion;
import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.stream.JsonLines;
import dev.mistralgateway.stream.SseWriter;

/**
 * Ollama's NDJSON stream as OpenAI chunks: {@code chat.completion.chunk} events (the role on the
 * first, then content, reasoning and tool calls with ids) or {@code text_completion} chunks; the
 * {@code done:true} line gives the last chunk with its {@code finish_reason} and, when the client
 * asked with {@code stream_options.include_usage}, a usage chunk with Ollama's own counts.
 */
final class OllamaStreamTranslator implements StreamTranslator {

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
    /** The content chunk of this stream, made at its first plain piece of content. */
    private ContentChunkTemplate contentChunk;
    private String finishReason;

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

    /** A line with a piece of text and nothing else, translated at once; false for any other line. */
    private boolean plainPiece(byte[] text) {
        PlainLine piece = PlainLine.read(mapper.getFactory(), text);
        if (piece == null) {
            return false;
        }
        if (request.routeType() == RouteType.CHAT) {
            String thinking = piece.thinking();
            chat(piece.content() == null ? "" : piece.content(), thinking == null || thinking.isEmpty() ? null : thinking,
                    List.of());
        } else {
            completion(piece.response() == null ? "" : piece.response());
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

    private void contentChunk(String content) {
        if (contentChunk == null) {
            contentChunk = new ContentChunkTemplate(serialize(ContentChunkTemplate.markedChunk(id, created, model)));
        }
        contentChunk.write(out, content);
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
