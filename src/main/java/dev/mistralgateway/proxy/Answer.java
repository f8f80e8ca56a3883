package dev.mistralgateway.proxy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What the gateway answers the client: status, headers (with the content type) and the body, which
 * is one piece for a JSON answer and the events as they come for a stream. A body of one piece is
 * also at hand as bytes ({@code whole}, null for a stream), so that what writes the answer can send
 * it at once rather than subscribe to it.
 */
public record Answer(int status, Map<String, List<String>> headers, Multi<byte[]> body, byte[] whole) {

    /** An answer whose body comes as it comes (a stream's events). */
    public Answer(int status, Map<String, List<String>> headers, Multi<byte[]> body) {
        this(status, headers, body, null);
    }

    /**
     * A body of one piece, whose length is known: it goes out with {@code Content-Length}, not chunked (the
     * headers must be a map the caller may change, compared without case, as {@link Proxy} builds them).
     */
    public static Answer whole(int status, Map<String, List<String>> headers, byte[] body) {
        headers.put("Content-Length", List.of(String.valueOf(body.length)));
        return new Answer(status, headers, Multi.createFrom().item(body), body);
    }

    /** The whole body in one piece, a stream's events included, as Lambda's one response sends it. */
    public Uni<byte[]> gathered() {
        if (whole != null) {
            return Uni.createFrom().item(whole);
        }
        return body.collect().in(ByteArrayOutputStream::new, ByteArrayOutputStream::writeBytes)
                .map(ByteArrayOutputStream::toByteArray);
    }
}
