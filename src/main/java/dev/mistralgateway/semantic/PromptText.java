package dev.mistralgateway.semantic;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The text of a request that the {@code semantic} algorithm embeds: a chat's user messages (the
 * Responses and Anthropic APIs reach this point as chat), a completion's prompt, an embeddings
 * request's input. System prompts and the model's own turns are left out: they say how to answer,
 * not what is asked, and would pull every prompt of one application towards the same target.
 */
public final class PromptText {

    private PromptText() {
    }

    /** The text, its parts one per line; empty when the request holds none (an image alone). */
    public static String of(ObjectNode checked) {
        List<String> parts = new ArrayList<>();
        JsonNode messages = checked.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode message : messages) {
                if (message.path("role").asText("").equals("user")) {
                    text(message.get("content"), parts);
                }
            }
        } else {
            text(checked.get("prompt"), parts);
            text(checked.get("input"), parts);
        }
        return String.join("\n", parts).trim();
    }

    /** A string, or the text of an array's strings and {@code text} parts (OpenAI's content parts). */
    private static void text(JsonNode content, List<String> parts) {
        if (content == null) {
            return;
        }
        if (content.isTextual()) {
            if (!content.textValue().isBlank()) {
                parts.add(content.textValue());
            }
        } else if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    text(part, parts);
                } else if (part.path("text").isTextual()) {
                    text(part.get("text"), parts);
                }
            }
        }
    }
}
