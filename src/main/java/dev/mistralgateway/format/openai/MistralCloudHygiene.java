package dev.mistralgateway.format.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What OpenAI SDKs send, made acceptable to Mistral's cloud API, which answers 422 to fields it does
 * not know. Checked against Mistral's chat completion request schema (mid-2026): Mistral takes
 * {@code metadata}, {@code n}, {@code prediction}, {@code parallel_tool_calls},
 * {@code reasoning_effort}, {@code prompt_cache_key}, {@code presence_penalty} and
 * {@code frequency_penalty} as they are; the fields below it names differently or not at all.
 * Fields not listed here pass through untouched, as in Kong.
 */
final class MistralCloudHygiene {

    /** OpenAI-only request fields with no Mistral equivalent. */
    static final List<String> DROPPED = List.of("user", "logit_bias", "logprobs", "top_logprobs", "store",
            "stream_options", "service_tier", "modalities", "audio", "web_search_options", "functions",
            "function_call", "verbosity", "safety_identifier");

    private MistralCloudHygiene() {
    }

    static void apply(ObjectNode body) {
        rename(body, "max_completion_tokens", "max_tokens");
        rename(body, "seed", "random_seed");
        JsonNode toolChoice = body.get("tool_choice");
        if (toolChoice != null && toolChoice.isTextual() && toolChoice.textValue().equals("required")) {
            body.put("tool_choice", "any");
        }
        body.remove(DROPPED);
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode message : messages) {
                if (message instanceof ObjectNode object) {
                    clean(object);
                }
            }
        }
    }

    /** Mistral has no developer role, and a {@code name} only on tool messages. */
    private static void clean(ObjectNode message) {
        String role = message.path("role").asText("");
        if (role.equals("developer")) {
            message.put("role", "system");
        }
        if (!role.equals("tool")) {
            message.remove("name");
        }
    }

    /** The OpenAI name becomes Mistral's, unless the client also sent Mistral's, which then wins. */
    private static void rename(ObjectNode body, String openAiName, String mistralName) {
        JsonNode value = body.remove(openAiName);
        if (value != null && !body.hasNonNull(mistralName)) {
            body.set(mistralName, value);
        }
    }
}
