package dev.mistralgateway.format.openai;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.error.GatewayException;

/**
 * A chat request's options beside its messages, in the words and shapes of Mistral's
 * {@code ChatCompletionRequest}: one method per row of the hygiene table ({@link MistralCloudHygiene}).
 */
final class MistralOptions {

    /**
     * OpenAI-only request fields with no Mistral equivalent. Those that ask for something Mistral
     * cannot give ({@code logprobs: true}, {@code audio}, ...) never get here: the pipeline has
     * refused or dropped them by the target's option ({@code UnsupportedFields}); what is left of
     * them asks for nothing.
     */
    private static final List<String> OPENAI_ONLY = List.of("user", "logit_bias", "logprobs", "top_logprobs", "store",
            "stream_options", "service_tier", "modalities", "audio", "web_search_options", "verbosity",
            "safety_identifier", "prompt_cache_retention", "top_k");

    /** OpenAI's effort levels to Mistral's two: any effort asked for turns reasoning on. */
    private static final Set<String> NO_EFFORT = Set.of("none", "minimal");
    private static final Set<String> SOME_EFFORT = Set.of("low", "medium", "high", "xhigh");

    private static final Set<String> TOOL_CHOICE_WORDS = Set.of("auto", "none", "any", "required");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "description", "parameters", "strict");
    private static final Set<String> RESPONSE_FORMAT_FIELDS = Set.of("type", "json_schema");
    private static final Set<String> JSON_SCHEMA_FIELDS = Set.of("name", "description", "schema", "strict");

    private MistralOptions() {
    }

    static void dropOpenAiOnly(ObjectNode body) {
        body.remove(OPENAI_ONLY);
    }

    /**
     * {@code prompt_mode: "reasoning"} is refused by every model since {@code reasoning_effort}
     * came ("Reasoning prompt mode is not enabled for this model"): it is sent as what it asks for,
     * {@code reasoning_effort: "high"}, unless the client chose an effort too, which wins.
     */
    static void promptMode(ObjectNode body) {
        if (body.path("prompt_mode").asText("").equals("reasoning")) {
            body.remove("prompt_mode");
            if (!body.has("reasoning_effort")) {
                body.put("reasoning_effort", "high");
            }
        }
    }

    /** Mistral takes {@code none} or {@code high}; OpenAI's other levels map to the nearer of the two. */
    static void reasoningEffort(ObjectNode body) {
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
    static void toolChoice(ObjectNode body) {
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
    static void tools(ObjectNode body) {
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
            JsonFields.dropNulls(function);
            function.retain(FUNCTION_FIELDS);
            if (!function.has("parameters")) {
                function.putObject("parameters").put("type", "object").putObject("properties");
            }
            ((ObjectNode) tool).retain("type", "function");
        }
    }

    /** {@code response_format} and {@code prediction} with Mistral's fields only. */
    static void responseFormatAndPrediction(ObjectNode body) {
        responseFormat(body);
        prediction(body);
    }

    private static void responseFormat(ObjectNode body) {
        if (!(body.get("response_format") instanceof ObjectNode format)) {
            return;
        }
        JsonFields.dropNulls(format);
        format.retain(RESPONSE_FORMAT_FIELDS);
        if (format.get("json_schema") instanceof ObjectNode schema) {
            JsonFields.dropNulls(schema);
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
