package dev.mistralgateway.upstream;

import io.smallrye.mutiny.Multi;

/**
 * An upstream's answer to a streamed request: its status and headers at once, then its body as
 * it arrives. A non-200 answer comes whole in {@code head} (its body read to the end) with an empty
 * {@code body}; a 200 answer has an empty {@code head} body and its bytes in {@code body}.
 * Cancelling {@code body} closes the upstream request.
 */
public record UpstreamStream(UpstreamResponse head, Multi<byte[]> body) {
}
