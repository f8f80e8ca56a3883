package dev.mistralgateway.proxy;

import java.io.ByteArrayOutputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.observe.StreamFacts;

/**
 * A stream's two translators in a row: the target's format turns the upstream's bytes into chat
 * events, the client's API turns those into its own. What the proxy asks of a stream (tokens so
 * far, failure, usage) is the format's to say; the gateway's own events (an error at a limit or a
 * failure) are chat events too, and go through the client's translator like the rest.
 */
final class TwoStepStream {

    private final StreamTranslator format;
    private final ClientStream client;

    TwoStepStream(StreamTranslator format, ClientStream client) {
        this.format = format;
        this.client = client;
    }

    /** The first step: the chat events completed by this piece of the upstream body. */
    byte[] chat(byte[] upstreamBytes) {
        return format.next(upstreamBytes);
    }

    /**
     * The second step, on the chat events that go out: a piece held back at a limit never reaches
     * the client's translator, so its events (and their numbering) are the client's as sent.
     */
    byte[] client(byte[] chatEvents) {
        return chatEvents.length == 0 ? chatEvents : client.next(chatEvents);
    }

    /** Both steps' last events once the upstream body has ended. */
    byte[] end() {
        return endWith(format.end());
    }

    /** The client's last events after these chat events of the gateway's own (an error event). */
    byte[] endWith(byte[] chatEvents) {
        byte[] last = client(chatEvents);
        byte[] end = client.end();
        if (end.length == 0) {
            return last;
        }
        ByteArrayOutputStream both = new ByteArrayOutputStream(last.length + end.length);
        both.writeBytes(last);
        both.writeBytes(end);
        return both.toByteArray();
    }

    /** Whether the upstream's answer has ended as a complete one, as the format's translator saw it. */
    boolean ended() {
        return format.ended();
    }

    long outputTokens() {
        return format.outputTokens();
    }

    String failure() {
        return format.failure();
    }

    Usage usage() {
        return format.usage();
    }

    /** The client's whole answer once the stream has given it (the Responses API's), else null. */
    JsonNode completed() {
        return client.completed();
    }

    /**
     * What the two steps read of the answer as it passed: the client's own id and stop reason where its
     * API makes them (Anthropic's, the Responses API's), else the format's, and the format's model.
     */
    StreamFacts facts(long firstEventNanos, long afterFirstEventNanos) {
        String id = client.responseId() != null ? client.responseId() : format.responseId();
        String stop = client.stopReason();
        return new StreamFacts(id, format.responseModel(), stop != null ? List.of(stop) : format.finishReasons(),
                firstEventNanos, afterFirstEventNanos);
    }
}
