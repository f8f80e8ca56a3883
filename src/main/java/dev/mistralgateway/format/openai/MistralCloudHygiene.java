package dev.mistralgateway.format.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.error.GatewayException;

/**
 * What OpenAI-style clients send, made acceptable to Mistral's cloud API. Mistral checks every body
 * against its published schema ({@code ChatCompletionRequest}, with {@code additionalProperties:
 * false} on the request, each message kind, tools and tool calls) and answers 422 to anything
 * else, so each rule below removes one way a real client's request would be refused. docs/journey.md's
 * hygiene table lists the same rules in the same order; {@code MistralHygieneTest} has a test each,
 * sent to a stand-in that validates against Mistral's own spec.
 *
 * <p>
 * Fields neither OpenAI's nor Mistral's pass through untouched, as in Kong, so a Mistral
 * parameter newer than this class still reaches Mistral.
 */
final class MistralCloudHygiene {

    /**
     * OpenAI-only request fields with no Mistral equivalent. Those that ask for something Mistral
     * cannot give ({@code logprobs: true}, {@code audio}, ...) never get here: the pipeline has
     * refused or dropped them by the target's option ({@code UnsupportedFields}); what is left of
     * them asks for nothing.
     */
    static final List<String> DROPPED = List.of("user", "logit_bias", "logprobs", "top_logprobs", "store",
            "stream_options", "service_tier", "modalities", "audio", "web_search_options", "verbosity",
            "safety_identifier", "prompt_cache_retention", "top_k");

    /**
     * Numbers whose range is narrower at Mistral than at OpenAI, or simply bounded. Only
     * {@code temperature} is mapped (lowered to Mistral's maximum, which keeps the client's intent:
     * as random as Mistral goes); any other value out of range is the client's to fix, so it gets a
     * 400 naming the field and the range rather than a 422 from upstream.
     */
    private record Range(String field, String openAiName, double min, double max, boolean whole, boolean lowerToMax) {
    }

    private static final List<Range> RANGES = List.of(
            new Range("temperature", "temperature", 0, 1.5, false, true),
            new Range("top_p", "top_p", 0, 1, false, false),
            new Range("presence_penalty", "presence_penalty", -2, 2, false, false),
            new Range("frequency_penalty", "frequency_penalty", -2, 2, false, false),
            new Range("max_tokens", "max_tokens / max_completion_tokens", 0, Long.MAX_VALUE, true, false),
            new Range("n", "n", 1, Long.MAX_VALUE, true, false),
            new Range("random_seed", "seed / random_seed", 0, Long.MAX_VALUE, true, false));

    /** OpenAI's effort levels to Mistral's two: any effort asked for turns reasoning on. */
    private static final Set<String> NO_EFFORT = Set.of("none", "minimal");
    private static final Set<String> SOME_EFFORT = Set.of("low", "medium", "high", "xhigh");

    private static final Set<String> TOOL_CHOICE_WORDS = Set.of("auto", "none", "any", "required");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "description", "parameters", "strict");
    private static final Set<String> RESPONSE_FORMAT_FIELDS = Set.of("type", "json_schema");
    private static final Set<String> JSON_SCHEMA_FIELDS = Set.of("name", "description", "schema", "strict");

    /**
     * OpenAI completions fields Codestral's {@code FIMCompletionRequest} has no place for: one
     * completion per request, no echo, no logprobs, no penalties.
     */
    static final List<String> DROPPED_FOR_FIM = List.of("user", "stream_options", "n", "best_of", "echo",
            "logprobs", "logit_bias", "presence_penalty", "frequency_penalty");

    private MistralCloudHygiene() {
    }

    /** An OpenAI completions request (with or without {@code suffix}) for Codestral's fill-in-the-middle. */
    static void applyFim(ObjectNode body) {
        dropNulls(body);
        rename(body, "seed", "random_seed");
        JsonNode n = body.get("n");
        if (n != null && n.asDouble(1) != 1) {
            throw GatewayException.badRequest("'n' must be 1 for Mistral's fill-in-the-middle, which answers one "
                    + "completion per request, not " + n);
        }
        body.remove(DROPPED_FOR_FIM);
        RANGES.forEach(range -> checkRange(body, range));
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
        dropNulls(body);
        rename(body, "dimensions", "output_dimension");
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

    static void apply(ObjectNode body) {
        dropNulls(body);
        rename(body, "max_completion_tokens", "max_tokens");
        rename(body, "seed", "random_seed");
        LegacyFunctions.toTools(body);
        body.remove(DROPPED);
        RANGES.forEach(range -> checkRange(body, range));
        promptMode(body);
        reasoningEffort(body);
        toolChoice(body);
        tools(body);
        responseFormat(body);
        prediction(body);
        MistralMessages.apply(body);
    }

    /**
     * OpenAI SDKs send {@code null} for options left unset; Mistral's schema allows null on only
     * some of them ({@code top_p}, {@code stop}, {@code response_format}, {@code tool_choice} refuse
     * it). Null means "not set" either way, so every null goes.
     */
    static void dropNulls(ObjectNode object) {
        List<String> nulls = new ArrayList<>();
        object.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                nulls.add(field.getKey());
            }
        });
        object.remove(nulls);
    }

    /** The OpenAI name becomes Mistral's, unless the client also sent Mistral's, which then wins. */
    private static void rename(ObjectNode body, String openAiName, String mistralName) {
        JsonNode value = body.remove(openAiName);
        if (value != null && !body.has(mistralName)) {
            body.set(mistralName, value);
        }
    }

    private static void checkRange(ObjectNode body, Range range) {
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

    /**
     * {@code prompt_mode: "reasoning"} is refused by every model since {@code reasoning_effort}
     * came ("Reasoning prompt mode is not enabled for this model"): it is sent as what it asks for,
     * {@code reasoning_effort: "high"}, unless the client chose an effort too, which wins.
     */
    private static void promptMode(ObjectNode body) {
        if (body.path("prompt_mode").asText("").equals("reasoning")) {
            body.remove("prompt_mode");
            if (!body.has("reasoning_effort")) {
                body.put("reasoning_effort", "high");
            }
        }
    }

    /** Mistral takes {@code none} or {@code high}; OpenAI's other levels map to the nearer of the two. */
    private static void reasoningEffort(ObjectNode body) {
        JsonNode effort = body.get("reasoning_effort");
        if (effort == null) {
            return;
        }
        String level = effort.asText("");
        if (effort.isTextual() && NO_EFFORT.contains(level)) {
            body.put("reasoning_effort", "none");
        } else if (effort.isTextual() && SOME_EFFORT.contains(level)) {
            body.put("reasoning_effort", "high");
        } else {
            throw GatewayException.badRequest("'reasoning_effort' must be one of none, minimal, low, medium, high, "
                    + "xhigh (Mistral's API takes none or high), not " + effort);
        }
    }

    /**
     * Mistral knows {@code auto}, {@code none}, {@code any} ({@code required} is sent as its older
     * synonym {@code any}) and one named function; OpenAI's {@code allowed_tools} and custom tools
     * have no Mistral counterpart.
     */
    private static void toolChoice(ObjectNode body) {
        JsonNode choice = body.get("tool_choice");
        if (choice == null) {
            return;
        }
        if (choice.isTextual() && TOOL_CHOICE_WORDS.contains(choice.textValue())) {
            if (choice.textValue().equals("required")) {
                body.put("tool_choice", "any");
            }
            return;
        }
        JsonNode name = choice.path("function").path("name");
        if (choice.isObject() && choice.path("type").asText("function").equals("function") && name.isTextual()) {
            ObjectNode named = JsonNodeFactory.instance.objectNode().put("type", "function");
            named.putObject("function").set("name", name);
            body.set("tool_choice", named);
            return;
        }
        throw GatewayException.badRequest("'tool_choice' must be auto, none, required, any or "
                + "{\"type\":\"function\",\"function\":{\"name\":...}} for Mistral's API, not " + choice);
    }

    /**
     * Function tools only, each with Mistral's four function fields; {@code parameters}, optional
     * at OpenAI, is required by Mistral, so a tool without it gets an empty object schema.
     */
    private static void tools(ObjectNode body) {
        JsonNode tools = body.get("tools");
        if (tools == null || !tools.isArray()) {
            return;
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asText("function");
            if (!tool.isObject() || !type.equals("function") || !tool.path("function").isObject()) {
                throw GatewayException.badRequest("tools[" + i + "]: Mistral's API takes only function tools "
                        + "({\"type\":\"function\",\"function\":{\"name\":...,\"parameters\":{...}}}), not type '"
                        + type + "'");
            }
            ObjectNode function = (ObjectNode) tool.get("function");
            dropNulls(function);
            function.retain(FUNCTION_FIELDS);
            if (!function.has("parameters")) {
                function.putObject("parameters").put("type", "object").putObject("properties");
            }
            ((ObjectNode) tool).retain("type", "function");
        }
    }

    private static void responseFormat(ObjectNode body) {
        if (!(body.get("response_format") instanceof ObjectNode format)) {
            return;
        }
        dropNulls(format);
        format.retain(RESPONSE_FORMAT_FIELDS);
        if (format.get("json_schema") instanceof ObjectNode schema) {
            dropNulls(schema);
            schema.retain(JSON_SCHEMA_FIELDS);
        }
    }

    /** OpenAI lets predicted output be text parts; Mistral wants the text. */
    private static void prediction(ObjectNode body) {
        if (!(body.get("prediction") instanceof ObjectNode prediction)) {
            return;
        }
        JsonNode content = prediction.get("content");
        if (content instanceof ArrayNode parts) {
            StringBuilder text = new StringBuilder();
            parts.forEach(part -> text.append(part.path("text").asText("")));
            prediction.set("content", TextNode.valueOf(text.toString()));
        }
        prediction.retain("type", "content");
    }
}
