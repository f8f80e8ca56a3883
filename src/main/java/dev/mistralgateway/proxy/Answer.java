package dev.mistralgateway.proxy;

import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Multi;

/**
 * What the gateway answers the client: status, headers (with the content type) and the body, which
 * is one piece for a JSON answer and the events as they come for a stream.
 */
public record Answer(int status, Map<String, List<String>> headers, Multi<byte[]> body) {
}
