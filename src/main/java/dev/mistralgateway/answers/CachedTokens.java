package dev.mistralgateway.answers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The prompt tokens an upstream read from its cache, wherever its usage puts them: OpenAI's and
 * llama.cpp's {@code prompt_tokens_details.cached_tokens}, and Mistral's other two spellings,
 * {@code num_cached_tokens} and {@code prompt_token_details.cached_tokens} (its published
 * {@code UsageInfo} has all three).
 */
public final class CachedTokens {

    private static final String OPENAI_DETAILS = "prompt_tokens_details";

    private CachedTokens() {
    }

    /** The cached prompt tokens of a usage object, or null where none is reported. */
    public static Long of(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        for (String details : new String[] { OPENAI_DETAILS, "prompt_token_details" }) {
            JsonNode tokens = usage.path(details).get("cached_tokens");
            if (tokens != null && tokens.canConvertToLong()) {
                return tokens.asLong();
            }
        }
        JsonNode tokens = usage.get("num_cached_tokens");
        return tokens != null && tokens.canConvertToLong() ? tokens.asLong() : null;
    }

    /**
     * Says an answer's or chunk's cached tokens where OpenAI's clients read them,
     * {@code usage.prompt_tokens_details.cached_tokens}, when the upstream said them only in
     * Mistral's other words (which stay); whether it changed anything.
     */
    public static boolean inOpenAiWords(JsonNode answer) {
        if (!(answer.get("usage") instanceof ObjectNode usage)
                || usage.path(OPENAI_DETAILS).path("cached_tokens").canConvertToLong()) {
            return false;
        }
        Long cached = of(usage);
        if (cached == null) {
            return false;
        }
        JsonNode details = usage.get(OPENAI_DETAILS);
        (details instanceof ObjectNode object ? object : usage.putObject(OPENAI_DETAILS)).put("cached_tokens", cached);
        return true;
    }
}
