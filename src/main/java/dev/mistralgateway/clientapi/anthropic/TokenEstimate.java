package dev.mistralgateway.clientapi.anthropic;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An estimate of a chat request's input tokens, for {@code count_tokens} and a stream's
 * {@code message_start} (the upstream's own count comes only at the end, if at all): about four
 * characters a token of the text the model reads (every message's text, its tool calls and the
 * tool definitions), and {@value #IMAGE_TOKENS} tokens an image, Anthropic's count for an image of
 * about 1.15 megapixels. No tokenizer of the target's model is at hand, so it is no exact count.
 */
final class TokenEstimate {

    static final int IMAGE_TOKENS = 1600;
    /** A message's role and separators, as chat templates add them. */
    private static final int PER_MESSAGE = 4;

    private TokenEstimate() {
    }

    static long of(JsonNode chat) {
        long characters = 0;
        long tokens = 0;
        for (JsonNode message : chat.path("messages")) {
            tokens += PER_MESSAGE;
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                characters += content.textValue().length();
            }
            for (JsonNode part : content) {
                if (part.path("type").asText("").equals("image_url")) {
                    tokens += IMAGE_TOKENS;
                } else {
                    characters += part.path("text").asText("").length();
                }
            }
            for (JsonNode call : message.path("tool_calls")) {
                characters += call.path("function").path("name").asText("").length()
                        + call.path("function").path("arguments").asText("").length();
            }
        }
        JsonNode tools = chat.get("tools");
        if (tools != null) {
            characters += tools.toString().length();
        }
        return tokens + (characters + 3) / 4;
    }
}
