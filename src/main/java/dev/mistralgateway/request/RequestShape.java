package dev.mistralgateway.request;

import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * The OpenAI fields whose type the gateway can check before an upstream refuses them less clearly:
 * a wrong type is a 400 that names the field and says what it must be. Fields it does not know
 * pass through unchecked, as in Kong.
 */
final class RequestShape {

    /** OpenAI's roles, its legacy {@code function} role included (still taken, and mapped for Mistral). */
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private RequestShape() {
    }

    static void check(ObjectNode body, int maxMessages) {
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            if (messages.size() > maxMessages) {
                throw GatewayException.badRequest("'messages' holds " + messages.size() + " messages; this route takes "
                        + "at most " + maxMessages);
            }
            for (int i = 0; i < messages.size(); i++) {
                message(i, messages.get(i));
            }
        }
        optional(body, "model", JsonNode::isTextual, "a string");
        optional(body, "temperature", JsonNode::isNumber, "a number");
        optional(body, "top_p", JsonNode::isNumber, "a number");
        optional(body, "presence_penalty", JsonNode::isNumber, "a number");
        optional(body, "frequency_penalty", JsonNode::isNumber, "a number");
        optional(body, "max_tokens", RequestShape::isWholeNumber, "a whole number");
        optional(body, "max_completion_tokens", RequestShape::isWholeNumber, "a whole number");
        optional(body, "top_k", RequestShape::isWholeNumber, "a whole number");
        optional(body, "n", RequestShape::isWholeNumber, "a whole number");
        optional(body, "seed", RequestShape::isWholeNumber, "a whole number");
        optional(body, "stop", node -> node.isTextual() || node.isArray(), "a string or an array of strings");
        optional(body, "tools", JsonNode::isArray, "an array");
        optional(body, "response_format", JsonNode::isObject, "an object");
        optional(body, "stream_options", JsonNode::isObject, "an object");
        optional(body, "input", node -> node.isTextual() || node.isArray(), "a string or an array of strings");
        optional(body, "dimensions", RequestShape::isWholeNumber, "a whole number");
        optional(body, "encoding_format", JsonNode::isTextual, "'float' or 'base64'");
        RequestRanges.check(body);
    }

    private static void message(int i, JsonNode message) {
        if (!message.isObject()) {
            throw GatewayException.badRequest("messages[" + i + "] must be an object with 'role' and 'content'");
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
            throw GatewayException.badRequest("messages[" + i + "].role must be one of system, developer, user, "
                    + "assistant, tool, function");
        }
        JsonNode content = message.get("content");
        // an assistant turn may be only tool calls, or a refusal that OpenAI SDKs echo back as it came
        boolean assistantWithTools = role.textValue().equals("assistant")
                && (message.has("tool_calls") || message.has("function_call") || message.path("refusal").isTextual());
        if (content == null || content.isNull()) {
            if (!assistantWithTools) {
                throw GatewayException.badRequest("messages[" + i + "].content is missing: give a string or an "
                        + "array of content parts");
            }
        } else if (!content.isTextual() && !content.isArray()) {
            throw GatewayException.badRequest("messages[" + i + "].content must be a string or an array of "
                    + "content parts");
        }
    }

    private static boolean isWholeNumber(JsonNode node) {
        return node.isIntegralNumber() || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()));
    }

    private static void optional(ObjectNode body, String field, Predicate<JsonNode> valid,
            String expected) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !valid.test(value)) {
            throw GatewayException.badRequest("'" + field + "' must be " + expected);
        }
    }
}
