package dev.mistralgateway.format.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * What OpenAI-style clients send, made acceptable to Mistral's cloud API. Mistral checks every body
 * against its published schema ({@code ChatCompletionRequest}, with {@code additionalProperties:
 * false} on the request, each message kind, tools and tool calls) and answers 422 to anything
 * else, so each rule removes one way a real client's request would be refused. The chat rules are
 * {@link #CHAT}, one row each of docs/journey.md's hygiene table, by its row number
 * ({@code HygieneRowsTest} holds the two to the same rows; {@code FormatGoldenTest} runs each row's
 * case against a stand-in that validates against Mistral's own spec).
 *
 * <p>
 * Fields neither OpenAI's nor Mistral's pass through untouched, as in Kong, so a Mistral
 * parameter newer than this class still reaches Mistral.
 */
final class MistralCloudHygiene {

    /**
     * The chat rules in the order they apply, which is not quite the docs' order: legacy functions
     * (4b) become tools before the OpenAI-only fields go, {@code prompt_mode} (7a) turns into an
     * effort before efforts are mapped, and the messages' rules run as their dependencies need (the
     * developer role first, the reasoning before the fields that hold it go, each message's parts
     * before the order of roles changes a system message into a user one or inserts a message).
     * Where two rules refuse a request, the first in this order names the problem.
     */
    static final List<HygieneRule> CHAT = List.of(
            HygieneRule.appliedBefore("4a", "logprobs, top_logprobs, audio and modalities other than text: "
                    + "refused, or dropped and named in X-AI-Proxy-Dropped (the pipeline's UnsupportedFields)"),
            new HygieneRule("1", "every null option left out", JsonFields::dropNulls),
            new HygieneRule("2", "max_completion_tokens sent as max_tokens",
                    body -> JsonFields.rename(body, "max_completion_tokens", "max_tokens")),
            new HygieneRule("3", "seed sent as random_seed", body -> JsonFields.rename(body, "seed", "random_seed")),
            new HygieneRule("4b", "legacy functions and function_call as tools and tool_choice", LegacyFunctions::toTools),
            new HygieneRule("4", "OpenAI-only fields that ask for nothing dropped", MistralOptions::dropOpenAiOnly),
            new HygieneRule("5", "temperature above 1.5 lowered to 1.5", MistralRanges::temperature),
            new HygieneRule("6", "numbers out of Mistral's ranges refused", MistralRanges::others),
            new HygieneRule("7a", "prompt_mode reasoning as reasoning_effort high", MistralOptions::promptMode),
            new HygieneRule("7", "reasoning_effort as none or high", MistralOptions::reasoningEffort),
            new HygieneRule("8", "tool_choice required as any, a named function kept", MistralOptions::toolChoice),
            new HygieneRule("9", "function tools only, each with parameters", MistralOptions::tools),
            new HygieneRule("15", "response_format and prediction with Mistral's fields",
                    MistralOptions::responseFormatAndPrediction),
            new HygieneRule("11", "developer messages as system messages", MistralMessages::developerAsSystem),
            new HygieneRule("12a", "an assistant's reasoning replayed as its thinking chunk",
                    MistralMessages::reasoningAsThinking),
            new HygieneRule("12", "message fields SDKs echo back dropped", MistralMessages::echoedFieldsDropped),
            new HygieneRule("13", "content parts as Mistral's chunks", MistralMessages::contentParts),
            new HygieneRule("10", "tool call ids as 9 letters or digits", MistralMessages::toolCallIds),
            new HygieneRule("11a", "a system message after the conversation began as a user message",
                    MessageOrder::systemAfterConversationAsUser),
            new HygieneRule("11b", "an assistant turn inserted between a tool and a user message",
                    MessageOrder::assistantBetweenToolAndUser),
            new HygieneRule("14", "a last assistant message marked a prefix", MistralMessages::lastAssistantAsPrefix));

    /**
     * OpenAI completions fields Codestral's {@code FIMCompletionRequest} has no place for: one
     * completion per request, no echo, no logprobs, no penalties.
     */
    private static final List<String> DROPPED_FOR_FIM = List.of("user", "stream_options", "n", "best_of", "echo",
            "logprobs", "logit_bias", "presence_penalty", "frequency_penalty");

    private MistralCloudHygiene() {
    }

    static void apply(ObjectNode body) {
        for (HygieneRule rule : CHAT) {
            rule.apply().accept(body);
        }
    }

    /** An OpenAI completions request (with or without {@code suffix}) for Codestral's fill-in-the-middle. */
    static void applyFim(ObjectNode body) {
        JsonFields.dropNulls(body);
        JsonFields.rename(body, "seed", "random_seed");
        JsonNode n = body.get("n");
        if (n != null && n.asDouble(1) != 1) {
            throw GatewayException.badRequest("'n' must be 1 for Mistral's fill-in-the-middle, which answers one "
                    + "completion per request, not " + n);
        }
        body.remove(DROPPED_FOR_FIM);
        MistralRanges.all(body);
        if (!body.path("prompt").isTextual() || body.has("suffix") && !body.get("suffix").isTextual()) {
            throw GatewayException.badRequest("'prompt' and 'suffix' must be strings for Mistral's fill-in-the-middle");
        }
    }

    /**
     * An OpenAI embeddings request for Mistral's {@code EmbeddingRequest}: {@code dimensions} is
     * Mistral's {@code output_dimension}; the input is text only (OpenAI's token arrays have no
     * Mistral equivalent).
     */
    static void applyEmbeddings(ObjectNode body) {
        JsonFields.dropNulls(body);
        JsonFields.rename(body, "dimensions", "output_dimension");
        body.remove("user");
        JsonNode input = body.get("input");
        boolean text = input != null && (input.isTextual() || input.isArray() && !input.isEmpty());
        if (input != null && input.isArray()) {
            for (JsonNode item : input) {
                text &= item.isTextual();
            }
        }
        if (!text) {
            throw GatewayException.badRequest("'input' must be a string or an array of strings for Mistral's "
                    + "embeddings (token arrays are not taken)");
        }
    }
}
