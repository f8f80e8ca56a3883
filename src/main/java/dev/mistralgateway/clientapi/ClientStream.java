package dev.mistralgateway.clientapi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The second translator a stream goes through: the chat SSE events of the format's translator in,
 * the client's events out. One instance per attempt; a small state machine, pure otherwise.
 */
public interface ClientStream {

    /**
     * The client's events for these chat events. The bytes are whole events, as a format's
     * translator emits them: its chunks, an error event, {@code data: [DONE]}.
     */
    byte[] next(byte[] chatEvents);

    /**
     * The client's last events once the chat events have ended, however they ended: after
     * {@code [DONE]}, after an error event, or with neither (a stream that stopped short, which the
     * client must learn of as a failure, never as a silent end).
     */
    byte[] end();

    /**
     * The client's whole answer once the events so far have given it complete (the Responses API's
     * response of {@code response.completed} or {@code response.incomplete}), for a store; null
     * before, after a failure, and for an API without one.
     */
    default JsonNode completed() {
        return null;
    }

    /** The id of the client's answer, where its API gives the answer an id of its own; null otherwise or before. */
    default String responseId() {
        return null;
    }

    /** Why the answer stopped, in the client API's own words (Anthropic's {@code stop_reason}); null for chat's. */
    default String stopReason() {
        return null;
    }
}
