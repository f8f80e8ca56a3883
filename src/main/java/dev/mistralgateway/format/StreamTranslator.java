package dev.mistralgateway.format;

import java.util.List;

import dev.mistralgateway.answers.Usage;

/**
 * Turns one upstream stream into the client's SSE events, piece by piece as the bytes arrive,
 * whatever way the upstream's frames are split across reads. One instance per request: it holds
 * the frame being read and what the stream has said so far. Pure otherwise: no I/O.
 */
public interface StreamTranslator {

    /** The client's events completed by this piece of the upstream body; empty while none is. */
    byte[] next(byte[] upstreamBytes);

    /**
     * The client's last events once the upstream body has ended: what was still pending, then
     * {@code data: [DONE]}, or an error event when the upstream stopped before it was done.
     */
    byte[] end();

    /**
     * Whether the client's events are complete: the upstream said it was done (its {@code [DONE]},
     * Ollama's done line) and {@code data: [DONE]} went out, or an error event ended them. Nothing the
     * upstream sends afterwards reaches the client.
     */
    boolean ended();

    /**
     * Output tokens streamed so far, for the route's token cap: counted as one per upstream event,
     * since LLM servers stream about one token an event (the stream's own usage only comes at the end).
     */
    long outputTokens();

    /**
     * Why this stream is no complete answer, once the translator knows: the upstream sent an error,
     * or ended before saying it was done. Null while neither happened. The client's events already
     * end with an error event then; the caller counts the attempt as failed.
     */
    String failure();

    /** The token counts the stream reported so far (Ollama's last line, an OpenAI usage chunk), or null. */
    Usage usage();

    /** The answer's id as the stream's events gave it (the chunks' {@code id}), or null while none did. */
    default String responseId() {
        return null;
    }

    /** The model the stream's events named, or null while none did. */
    default String responseModel() {
        return null;
    }

    /** Each choice's {@code finish_reason}, in the order the stream gave them; empty while none came. */
    default List<String> finishReasons() {
        return List.of();
    }
}
