package dev.mistralgateway.observe.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Prompts and answers in the GenAI conventions' message shape ({@code gen_ai.input.messages},
 * {@code gen_ai.output.messages}: JSON arrays of {@code {role, parts: [{type: "text", content}]}}),
 * each text cut to the payload size the statistics line keeps. Only for targets with payload logging on.
 */
final class PayloadMessages {

    private final ObjectMapper mapper;
    private final int maxChars;

    PayloadMessages(ObjectMapper mapper, int maxChars) {
        this.mapper = mapper;
        this.maxChars = maxChars;
    }

    /** The chat form's messages, or its prompt or input; the cut body when there is no checked form. */
    String input(JsonNode checked, String capped) {
        ArrayNode messages = mapper.createArrayNode();
        if (checked == null) {
            text(messages, "user", capped);
        } else if (checked.path("messages").isArray()) {
            for (JsonNode message : checked.get("messages")) {
                JsonNode content = message.path("content");
                text(messages, message.path("role").asText("user"),
                        content.isTextual() ? content.textValue() : content.toString());
            }
        } else {
            JsonNode prompt = checked.has("prompt") ? checked.get("prompt") : checked.path("input");
            text(messages, "user", prompt.isTextual() ? prompt.textValue() : prompt.toString());
        }
        return messages.toString();
    }

    /** The answer's choices, or, for a stream or another shape, the cut answer as one text. */
    String output(JsonNode answer, String capped) {
        ArrayNode messages = mapper.createArrayNode();
        if (answer != null && answer.path("choices").isArray() && !answer.get("choices").isEmpty()) {
            for (JsonNode choice : answer.get("choices")) {
                JsonNode content = choice.path("message").path("content");
                JsonNode text = content.isMissingNode() ? choice.path("text") : content;
                ObjectNode message = text(messages, "assistant", text.isTextual() ? text.textValue() : text.toString());
                if (choice.path("finish_reason").isTextual()) {
                    message.put("finish_reason", choice.get("finish_reason").textValue());
                }
            }
        } else {
            text(messages, "assistant", capped);
        }
        return messages.toString();
    }

    private ObjectNode text(ArrayNode messages, String role, String content) {
        ObjectNode message = messages.addObject().put("role", role);
        String cut = content.length() > maxChars ? content.substring(0, maxChars) + "...[cut]" : content;
        message.putArray("parts").addObject().put("type", "text").put("content", cut);
        return message;
    }
}
