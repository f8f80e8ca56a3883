package dev.mistralgateway.format.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * Numbers whose range is narrower at Mistral than at OpenAI, or simply bounded. Only
 * {@code temperature} is mapped (lowered to Mistral's maximum, which keeps the client's intent:
 * as random as Mistral goes); any other value out of range is the client's to fix, so it gets a
 * 400 naming the field and the range rather than a 422 from upstream. Part of
 * {@link MistralCloudHygiene}.
 */
final class MistralRanges {

    private record Range(String field, String openAiName, double min, double max, boolean whole, boolean lowerToMax) {
    }

    private static final Range TEMPERATURE = new Range("temperature", "temperature", 0, 1.5, false, true);

    /** The ranges checked after {@code temperature}'s, in the order their 400s take precedence. */
    private static final List<Range> OTHERS = List.of(
            new Range("top_p", "top_p", 0, 1, false, false),
            new Range("presence_penalty", "presence_penalty", -2, 2, false, false),
            new Range("frequency_penalty", "frequency_penalty", -2, 2, false, false),
            new Range("max_tokens", "max_tokens / max_completion_tokens", 0, Long.MAX_VALUE, true, false),
            new Range("n", "n", 1, Long.MAX_VALUE, true, false),
            new Range("random_seed", "seed / random_seed", 0, Long.MAX_VALUE, true, false));

    private MistralRanges() {
    }

    /** {@code temperature} above Mistral's maximum becomes the maximum; below 0 or not a number, a 400. */
    static void temperature(ObjectNode body) {
        check(body, TEMPERATURE);
    }

    /** Every other bounded number checked, whole numbers sent as integers. */
    static void others(ObjectNode body) {
        for (Range range : OTHERS) {
            check(body, range);
        }
    }

    static void all(ObjectNode body) {
        temperature(body);
        others(body);
    }

    private static void check(ObjectNode body, Range range) {
        JsonNode value = body.get(range.field());
        if (value == null) {
            return;
        }
        if (!value.isNumber() || range.whole() && value.asDouble() != Math.rint(value.asDouble())) {
            throw outOfRange(range, value);
        }
        double number = value.asDouble();
        if (range.whole() && !value.isIntegralNumber()) {
            // 100.0 is a whole number to OpenAI; Mistral's schema wants the integer
            body.set(range.field(), LongNode.valueOf((long) number));
        }
        if (number > range.max() && range.lowerToMax()) {
            body.set(range.field(), DoubleNode.valueOf(range.max()));
        } else if (number < range.min() || number > range.max()) {
            throw outOfRange(range, value);
        }
    }

    private static GatewayException outOfRange(Range range, JsonNode value) {
        String kind = range.whole() ? "a whole number" : "a number";
        String bounds = range.max() == Long.MAX_VALUE ? "of at least " + format(range.min())
                : "from " + format(range.min()) + " to " + format(range.max());
        return GatewayException.badRequest("'" + range.openAiName() + "' must be " + kind + " " + bounds
                + " for Mistral's API, not " + value);
    }

    private static String format(double number) {
        return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
    }
}
