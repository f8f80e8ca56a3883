package dev.mistralgateway.format.openai;

import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.stream.SseEvents;
import dev.mistralgateway.stream.SseWriter;

/**
 * An OpenAI-compatible upstream already streams the client's events: each event's data passes
 * through unchanged, re-framed as {@code data: ...\n\n} so an event split across reads reaches the
 * client whole, and {@code [DONE]} is sent exactly once, even by an upstream that forgot it.
 */
final class OpenAiStreamTranslator implements StreamTranslator {

    private static final String DONE = "[DONE]";

    private final SseEvents events = new SseEvents();
    private final SseWriter out = new SseWriter();
    private boolean done;

    @Override
    public byte[] next(byte[] upstreamBytes) {
        events.feed(upstreamBytes).forEach(this::write);
        return out.drain();
    }

    @Override
    public byte[] end() {
        events.finish().forEach(this::write);
        if (!done) {
            out.done();
            done = true;
        }
        return out.drain();
    }

    private void write(String data) {
        if (done) {
            return;
        }
        if (data.equals(DONE)) {
            out.done();
            done = true;
        } else {
            out.event(data);
        }
    }
}
