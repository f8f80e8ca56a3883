package dev.mistralgateway.clientapi;

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
}
