package dev.mistralgateway.route;

/** Kong's {@code response_streaming}. */
public enum StreamingMode {
    /** The client chooses with {@code stream}. */
    ALLOW,
    /** {@code stream:true} is refused. */
    DENY,
    /** Every answer streams, whatever the client asked. */
    ALWAYS
}
