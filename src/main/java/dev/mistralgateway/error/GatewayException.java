package dev.mistralgateway.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way to answer with an error: an HTTP status and a message the client can act on.
 * {@link dev.mistralgateway.http.ErrorMappers} turns it into the OpenAI error shape.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    public GatewayException(int status, String message) {
        this(status, message, null, Map.of());
    }

    public GatewayException(int status, String message, Throwable cause) {
        this(status, message, cause, Map.of());
    }

    private GatewayException(int status, String message, Throwable cause, Map<String, String> headers) {
        super(message, cause, false, false);
        this.status = status;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    /** Headers the error answer carries besides its body (e.g. Retry-After, the target tried). */
    public Map<String, String> headers() {
        return headers;
    }

    /** The same error, answered with these headers too. */
    public GatewayException withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new GatewayException(status, getMessage(), getCause(), Map.copyOf(all));
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, message);
    }
}
