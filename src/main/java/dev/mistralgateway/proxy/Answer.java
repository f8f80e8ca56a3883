package dev.mistralgateway.proxy;

import java.util.List;
import java.util.Map;

/** What the gateway answers the client: status, content type, extra headers, body. */
public record Answer(int status, String contentType, Map<String, List<String>> headers, byte[] body) {
}
