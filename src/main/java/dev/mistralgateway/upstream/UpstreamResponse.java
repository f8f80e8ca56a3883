package dev.mistralgateway.upstream;

import java.util.List;
import java.util.Map;

/** The upstream's answer, whole: status, headers (names in lower case) and body bytes. */
public record UpstreamResponse(int status, Map<String, List<String>> headers, byte[] body) {

    public String contentType() {
        List<String> values = headers.get("content-type");
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
