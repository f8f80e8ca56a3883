package dev.mistralgateway.format.ollama;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import dev.mistralgateway.answers.ChatCompletionChunk;
import dev.mistralgateway.stream.SseWriter;

/**
 * Most events of a chat stream: a piece of content and nothing else. Everything around the
 * content is the same for the whole stream, so it is serialised once, from the record itself
 * (cut around a marker), and each event only quotes its content in between. Part of
 * {@link OllamaStreamTranslator}.
 */
final class ContentChunkTemplate {

    /** A content no model sends, serialised as {@code "\u0000"}: where a chunk's content goes. */
    static final String MARK = "\u0000";
    private static final byte[] MARK_JSON = "\"\\u0000\"".getBytes(StandardCharsets.US_ASCII);

    /** The JSON of a content chunk of this stream before and after its content's quoted text. */
    private final byte[] prefix;
    private final byte[] suffix;

    /** {@code template}: the serialised chunk whose content is {@link #MARK}. */
    ContentChunkTemplate(byte[] template) {
        int at = lastIndexOf(template, MARK_JSON);
        prefix = Arrays.copyOfRange(template, 0, at + 1);
        suffix = Arrays.copyOfRange(template, at + MARK_JSON.length - 1, template.length);
    }

    /** The chunk of this stream whose content is {@link #MARK}, to serialise for the template. */
    static ChatCompletionChunk markedChunk(String id, long created, String model) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, MARK, null, null), null)),
                null);
    }

    void write(SseWriter out, String content) {
        out.eventOfParts(prefix, JsonStringEncoder.getInstance().quoteAsUTF8(content), suffix);
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
}
