package dev.mistralgateway.error;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The OpenAI error shape, {@code {"error":{"message":...,"type":...,"param":null,"code":null}}},
 * which the official SDKs parse into their exceptions.
 */
@RegisterForReflection
public record ErrorBody(Detail error) {

    @RegisterForReflection
    public record Detail(String message, String type, String param, String code) {
    }

    public static ErrorBody of(int status, String message) {
        return of(status, message, null);
    }

    /** With a {@code code} a client can branch on, for errors of the gateway's own. */
    public static ErrorBody of(int status, String message, String code) {
        return new ErrorBody(new Detail(message, typeFor(status), null, code));
    }

    /** OpenAI's error types by status, so that SDK users can branch on {@code type}. */
    public static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status < 500 ? "invalid_request_error" : "api_error";
        };
    }
}
