package dev.mistralgateway.upstream;

import java.net.URI;
import java.util.Map;

/**
 * What goes to the upstream: where, with which extra headers (auth), and the JSON body; the id of the
 * client's request, for the log line and the error of a failed call.
 */
public record UpstreamRequest(URI url, Map<String, String> headers, byte[] body, String requestId) {

    @Override
    public String toString() {
        // headers carry the upstream key: never print them
        return "UpstreamRequest[url=" + url + ", headers=" + headers.keySet() + ", " + body.length + " bytes]";
    }
}
