package dev.mistralgateway.upstream;

import java.util.Locale;

/**
 * Counts the bytes of the event a stream is in, as they arrive, and refuses one larger than the limit: an
 * upstream that never ends an event must not fill the heap with it. Events end as the stream's framing
 * says: a blank line in Server-Sent Events, a newline in NDJSON (Ollama). A scan of each byte, no copy.
 */
final class EventSizeGuard {

    private final long limit;
    private final boolean sse;
    private long inEvent;
    private boolean afterNewline;

    EventSizeGuard(long limit, String contentType) {
        this.limit = limit;
        this.sse = contentType == null || contentType.toLowerCase(Locale.ROOT).contains("event-stream");
    }

    /** The piece, once its bytes are counted. */
    byte[] check(byte[] piece) {
        for (byte b : piece) {
            if (b == '\n') {
                if (!sse || afterNewline) {
                    inEvent = 0;
                    afterNewline = false;
                    continue;
                }
                afterNewline = true;
            } else if (b != '\r') {
                afterNewline = false;
            }
            if (++inEvent > limit) {
                throw new UpstreamFailures.TooLarge("an event", "ai-proxy.upstream.max-event-bytes", limit);
            }
        }
        return piece;
    }
}
