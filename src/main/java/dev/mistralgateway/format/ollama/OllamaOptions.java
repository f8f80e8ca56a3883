package dev.mistralgateway.format.ollama;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.error.GatewayException;

/**
 * A request's sampling options and the target's Ollama settings, where Ollama takes them: most
 * inside {@code options} (OpenAI's {@code max_tokens} as {@code num_predict}, {@code stop} always
 * a list), a few as request fields of their own, and {@code response_format} as {@code format}.
 * Part of {@link OllamaFormat}.
 */
final class OllamaOptions {

    /** Ollama settings that are request fields of their own rather than members of {@code options}. */
    static final Set<String> TOP_LEVEL_SETTINGS = Set.of("keep_alive", "think");

    /** OpenAI request fields that Ollama takes inside {@code options}, under the same name. */
    private static final List<String> SAME_NAME_OPTIONS = List.of("temperature", "top_p", "top_k", "seed",
            "presence_penalty", "frequency_penalty");

    private OllamaOptions() {
    }

    /** The request's {@code options}, the target's settings winning, as every configured option does. */
    static ObjectNode options(ObjectMapper mapper, ObjectNode in, Map<String, Object> settings) {
        ObjectNode options = mapper.createObjectNode();
        if (!copy(in, "max_tokens", options, "num_predict")) {
            copy(in, "max_completion_tokens", options, "num_predict");
        }
        for (String name : SAME_NAME_OPTIONS) {
            copy(in, name, options, name);
        }
        JsonNode stop = in.get("stop");
        if (stop != null && stop.isTextual()) {
            options.set("stop", mapper.createArrayNode().add(stop));
        } else if (stop != null && stop.isArray()) {
            options.set("stop", stop);
        }
        settings.forEach((name, value) -> {
            if (!TOP_LEVEL_SETTINGS.contains(name)) {
                options.set(name, mapper.valueToTree(value));
            }
        });
        return options;
    }

    /** The target's settings that are request fields of their own, set on {@code out}. */
    static void topLevelSettings(ObjectMapper mapper, Map<String, Object> settings, ObjectNode out) {
        settings.forEach((name, value) -> {
            if (TOP_LEVEL_SETTINGS.contains(name)) {
                out.set(name, mapper.valueToTree(value));
            }
        });
    }

    /** {@code json_object} asks for any JSON, {@code json_schema} for JSON of that schema. */
    static JsonNode format(JsonNode responseFormat) {
        if (responseFormat == null || !responseFormat.isObject()) {
            return null;
        }
        String type = responseFormat.path("type").asText("");
        if (type.equals("json_object")) {
            return TextNode.valueOf("json");
        }
        if (type.equals("json_schema")) {
            JsonNode schema = responseFormat.path("json_schema").get("schema");
            if (schema == null || !schema.isObject()) {
                throw GatewayException.badRequest("response_format.json_schema.schema must be a JSON schema object");
            }
            return schema;
        }
        return null;
    }

    /** Sets {@code to.as} to {@code from.name} unless that is absent or null; whether it did. */
    static boolean copy(ObjectNode from, String name, ObjectNode to, String as) {
        JsonNode value = from.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        to.set(as, value);
        return true;
    }
}
