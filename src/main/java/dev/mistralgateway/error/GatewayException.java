package dev.mistralgateway.error;

/**
 * The one way to answer with an error: an HTTP status and a message the client can act on.
 * {@link dev.mistralgateway.http.ErrorMappers} turns it into the OpenAI error shape.
 */
public class GatewayException extends RuntimeException {

    private final int status;

    public GatewayException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public GatewayException(int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, message);
    }
}
