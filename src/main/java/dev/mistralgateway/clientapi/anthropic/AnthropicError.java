package dev.mistralgateway.clientapi.anthropic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type":...,"message":...}}}, the body of
 * an error answer and the data of a stream's {@code error} event; the SDKs pick their exception
 * by the status, and clients such as Claude Code branch on {@code error.type}.
 */
@RegisterForReflection
public record AnthropicError(String type, Detail error) implements StreamEvents.Event {

    /** An upstream's text that is no JSON error is cut to this many characters in the message. */
    private static final int MAX_TEXT = 500;

    @RegisterForReflection
    public record Detail(String type, String message) {
    }

    public static AnthropicError of(int status, String message) {
        return new AnthropicError("error", new Detail(typeFor(status), message));
    }

    /** Anthropic's error types by status, as its API documents them. */
    static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status < 500 ? "invalid_request_error" : "api_error";
        };
    }

    /**
     * An OpenAI-shaped error ({@code {"error":{"message","type","code"}}}, as the formats and the
     * gateway write them) in Anthropic's shape; the status picks the type. Any other body's text
     * becomes the message, so no error reaches the client in a shape its SDK cannot read.
     */
    static AnthropicError fromOpenAi(ObjectMapper mapper, int status, byte[] body) {
        String message = null;
        try {
            JsonNode error = mapper.readTree(body);
            if (error != null) {
                JsonNode detail = error.path("error");
                message = detail.path("message").isTextual() ? detail.get("message").textValue()
                        : detail.isTextual() ? detail.textValue()
                                : error.path("message").isTextual() ? error.get("message").textValue()
                                        : error.isObject() ? error.toString() : null;
            }
        } catch (IOException notJson) {
            // its text is the message, below
        }
        if (message == null) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            message = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
        }
        if (message.isEmpty()) {
            message = "the upstream answered " + status + " without a message";
        }
        return of(status, message);
    }

    /**
     * A stream's error event, from the chat error event's data: the gateway's own errors carry a
     * code for their kind (a stream time limit is a timeout), the rest are the upstream's failure.
     */
    static AnthropicError ofStreamEvent(JsonNode event) {
        JsonNode detail = event.path("error");
        String message = detail.path("message").asText("the upstream's stream failed");
        String code = detail.path("code").asText("");
        String type = detail.path("type").asText("");
        int status = code.equals("stream_time_limit") ? 504
                : code.equals("stream_token_limit") || type.equals("invalid_request_error") ? 400
                        : type.equals("rate_limit_error") ? 429 : 502;
        return of(status, message);
    }
}
