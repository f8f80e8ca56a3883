package dev.mistralgateway.format.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.error.ErrorBody;

/**
 * Mistral's error bodies in the OpenAI error shape, which the official SDKs parse, with Mistral's
 * words kept. Mistral answers {@code {"object":"error","message":...,"type":...,"code":...}}, whose
 * message is a string or, for a body its schema refuses, {@code {"detail":[{"loc","msg",...}]}};
 * its front door answers {@code {"message":"Unauthorized",...}}; validation errors may also come as
 * FastAPI's bare {@code {"detail":...}}. A body already in the OpenAI shape, or not one of these,
 * passes through as it came.
 */
final class MistralErrors {

    private MistralErrors() {
    }

    static Optional<ErrorBody> toOpenAi(int status, JsonNode body) {
        if (body == null || !body.isObject() || body.has("error")) {
            return Optional.empty();
        }
        JsonNode message = body.get("message");
        JsonNode detail = message != null && message.isObject() ? message.get("detail") : body.get("detail");
        String text;
        String param = null;
        if (detail != null && detail.isArray() && !detail.isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (JsonNode problem : detail) {
                String location = location(problem.path("loc"));
                problems.add(location.isEmpty() ? problem.path("msg").asText("")
                        : location + ": " + problem.path("msg").asText(""));
                if (param == null && !location.isEmpty()) {
                    param = location;
                }
            }
            text = String.join("; ", problems);
        } else if (detail != null && detail.isTextual()) {
            text = detail.textValue();
        } else if (message != null && message.isTextual()) {
            text = message.textValue();
        } else {
            return Optional.empty();
        }
        String type = body.path("type").isTextual() ? body.get("type").textValue() : ErrorBody.typeFor(status);
        JsonNode code = body.get("code");
        String codeText = code != null && (code.isTextual() || code.isNumber()) ? code.asText() : null;
        return Optional.of(new ErrorBody(new ErrorBody.Detail(text, type, param, codeText)));
    }

    /** {@code ["body","messages",0,"refusal"]} as {@code messages[0].refusal}, the request's own path. */
    private static String location(JsonNode loc) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < loc.size(); i++) {
            JsonNode step = loc.get(i);
            if (i == 0 && step.asText().equals("body")) {
                continue;
            }
            if (step.isIntegralNumber()) {
                path.append('[').append(step.asInt()).append(']');
            } else {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(step.asText());
            }
        }
        return path.toString();
    }
}
