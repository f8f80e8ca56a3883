package dev.mistralgateway.request;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;

/**
 * What a client asks for that Mistral's cloud API cannot give: token log-probabilities, audio out,
 * output modalities other than text, for fill-in-the-middle the prompt echoed back. Mistral's schema
 * has no such fields, so sending them is a 422 and leaving them out quietly hands the client an
 * answer without what it asked for. So each is a 400 naming it, unless the target's
 * {@code drop-unsupported} option says to drop them (LiteLLM's {@code drop_params}); the answer's
 * {@code X-AI-Proxy-Dropped} header then names what went. A value that asks for nothing
 * ({@code logprobs: false}, {@code modalities: ["text"]}) is not asking.
 */
final class UnsupportedFields {

    private UnsupportedFields() {
    }

    /** The fields dropped from the body (empty when none was asked for); 400 when the target refuses them. */
    static List<String> apply(Target target, ObjectNode body) {
        if (!target.mistralCloud() || target.format() != MistralFormat.OPENAI) {
            return List.of();
        }
        List<String> asked = new ArrayList<>();
        if (target.routeType() == RouteType.CHAT) {
            addIf(asked, "logprobs", body.path("logprobs").asBoolean(false));
            addIf(asked, "top_logprobs", body.path("top_logprobs").asInt(0) > 0);
            addIf(asked, "modalities", otherThanText(body.get("modalities")));
            addIf(asked, "audio", body.hasNonNull("audio"));
        } else if (target.routeType() == RouteType.COMPLETIONS) {
            addIf(asked, "logprobs", body.path("logprobs").asInt(0) > 0);
            addIf(asked, "echo", body.path("echo").asBoolean(false));
        }
        if (asked.isEmpty()) {
            return List.of();
        }
        if (!target.options().dropUnsupported()) {
            throw GatewayException.badRequest("Mistral's API cannot honour " + String.join(", ", asked)
                    + ": leave " + (asked.size() == 1 ? "it" : "them") + " out (the gateway's operator can set the "
                    + "target's MODEL_OPTIONS_DROP_UNSUPPORTED=true to have such fields dropped and named in the "
                    + "X-AI-Proxy-Dropped header instead)");
        }
        body.remove(asked);
        return List.copyOf(asked);
    }

    private static void addIf(List<String> asked, String field, boolean isAsked) {
        if (isAsked) {
            asked.add(field);
        }
    }

    private static boolean otherThanText(JsonNode modalities) {
        if (modalities == null || !modalities.isArray()) {
            return false;
        }
        for (JsonNode modality : modalities) {
            if (!modality.asText("").equals("text")) {
                return true;
            }
        }
        return false;
    }
}
