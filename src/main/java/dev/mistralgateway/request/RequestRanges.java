package dev.mistralgateway.request;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * The values OpenAI's API refuses, refused here the same way whatever format the target speaks, so
 * that an Ollama or a self-hosted server never gets a request its OpenAI client should not have
 * sent: the ranges of OpenAI's {@code CreateChatCompletionRequest}, {@code CreateCompletionRequest}
 * and {@code CreateEmbeddingRequest}, plus a chat {@code max_tokens} of at least 1 (the schema
 * sets no minimum, OpenAI's servers refuse 0 and below). Runs after {@link RequestShape} has
 * checked the types, before any target is picked.
 */
final class RequestRanges {

    private record Range(String field, double min, double max, boolean whole) {

        static Range number(String field, double min, double max) {
            return new Range(field, min, max, false);
        }

        static Range whole(String field, double min, double max) {
            return new Range(field, min, max, true);
        }
    }

    private static final double NONE = Double.MAX_VALUE;

    private static final List<Range> SAMPLING = List.of(
            Range.number("temperature", 0, 2),
            Range.number("top_p", 0, 1),
            Range.number("presence_penalty", -2, 2),
            Range.number("frequency_penalty", -2, 2),
            Range.whole("n", 1, 128));

    private static final List<Range> CHAT = List.of(
            Range.whole("max_tokens", 1, NONE),
            Range.whole("max_completion_tokens", 1, NONE),
            Range.whole("top_logprobs", 0, 20));

    private static final List<Range> COMPLETIONS = List.of(
            Range.whole("max_tokens", 0, NONE),
            Range.whole("best_of", 0, 20),
            Range.whole("logprobs", 0, 5));

    private static final List<Range> EMBEDDINGS = List.of(Range.whole("dimensions", 1, NONE));

    private RequestRanges() {
    }

    /** By the body's shape, as {@link KongRequestRules} later tells chat, completions and embeddings apart. */
    static void check(ObjectNode body) {
        if (body.hasNonNull("messages")) {
            SAMPLING.forEach(range -> check(body, range));
            CHAT.forEach(range -> check(body, range));
            JsonNode logprobs = body.get("logprobs");
            if (logprobs != null && !logprobs.isNull() && !logprobs.isBoolean()) {
                throw GatewayException.badRequest("'logprobs' must be true or false, not " + logprobs);
            }
        } else if (body.hasNonNull("prompt")) {
            SAMPLING.forEach(range -> check(body, range));
            COMPLETIONS.forEach(range -> check(body, range));
        } else {
            EMBEDDINGS.forEach(range -> check(body, range));
        }
    }

    private static void check(ObjectNode body, Range range) {
        JsonNode value = body.get(range.field());
        if (value == null || value.isNull()) {
            return;
        }
        double number = value.asDouble();
        boolean fits = value.isNumber() && number >= range.min() && number <= range.max()
                && (!range.whole() || number == Math.rint(number));
        if (!fits) {
            String kind = range.whole() ? "a whole number " : "a number ";
            String bounds = range.max() == NONE ? "of at least " + shown(range.min())
                    : "from " + shown(range.min()) + " to " + shown(range.max());
            throw GatewayException.badRequest("'" + range.field() + "' must be " + kind + bounds + ", not " + value);
        }
    }

    private static String shown(double number) {
        return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
    }
}
