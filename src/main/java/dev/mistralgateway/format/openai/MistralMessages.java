package dev.mistralgateway.format.openai;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.openai.Ids;

/**
 * The messages of a request to Mistral's cloud, in the shape of Mistral's four message schemas
 * ({@code SystemMessage}, {@code UserMessage}, {@code AssistantMessage}, {@code ToolMessage}),
 * which refuse any other field, and under Mistral's rules beyond the schema: tool call ids of nine
 * letters or digits, an order of roles Mistral takes ({@link MessageOrder}), reasoning replayed as
 * thinking chunks ({@link ReasoningReplay}), and a conversation that ends with the user, a tool, or
 * an assistant prefix.
 * Part of {@link MistralCloudHygiene}.
 */
final class MistralMessages {

    /** The fields each role's schema allows; the rest (OpenAI's {@code refusal}, {@code annotations}, ...) go. */
    private static final Map<String, Set<String>> FIELDS_BY_ROLE = Map.of(
            "system", Set.of("role", "content"),
            "user", Set.of("role", "content"),
            "assistant", Set.of("role", "content", "tool_calls", "prefix"),
            "tool", Set.of("role", "content", "tool_call_id", "name"));

    private static final Set<String> TOOL_CALL_FIELDS = Set.of("id", "type", "function", "index");
    private static final Set<String> IMAGE_DETAILS = Set.of("low", "auto", "high");
    /** Mistral's own content chunk kinds, which a client that knows Mistral may send as they are. */
    private static final Set<String> MISTRAL_ONLY_PARTS = Set.of("document_url", "reference", "thinking");

    private MistralMessages() {
    }

    static void apply(ObjectNode body) {
        if (!(body.get("messages") instanceof ArrayNode messages) || messages.isEmpty()) {
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ObjectNode message) {
                clean(i, message);
            }
        }
        MessageOrder.repair(messages);
        // OpenAI continues a trailing assistant message; Mistral does so only when it is marked a prefix
        if (messages.get(messages.size() - 1) instanceof ObjectNode last
                && last.path("role").asText("").equals("assistant") && !last.has("tool_calls")) {
            last.put("prefix", true);
        }
    }

    private static void clean(int i, ObjectNode message) {
        String role = message.path("role").asText("");
        if (role.equals("developer")) {
            // Mistral has no developer role: OpenAI's newer name for the system role
            role = "system";
            message.put("role", role);
        }
        if (role.equals("assistant") && !hasContent(message) && message.path("refusal").isTextual()) {
            // an echoed refusal is what the assistant said
            message.set("content", message.get("refusal"));
        }
        if (role.equals("assistant")) {
            ReasoningReplay.apply(message);
        }
        Set<String> allowed = FIELDS_BY_ROLE.get(role);
        if (allowed == null) {
            return;
        }
        message.retain(allowed);
        JsonNode content = message.get("content");
        MistralCloudHygiene.dropNulls(message);
        if (content != null && content.isNull() && !role.equals("system")) {
            // null content is allowed on these roles, and the user and tool schemas require the field
            message.set("content", content);
        }
        if (role.equals("system") && !message.has("content")) {
            message.put("content", "");
        }
        if (message.get("content") instanceof ArrayNode parts) {
            for (int j = 0; j < parts.size(); j++) {
                parts.set(j, part(i, j, role, parts.get(j)));
            }
        }
        if (message.get("tool_calls") instanceof ArrayNode calls) {
            calls.forEach(MistralMessages::toolCall);
        }
        JsonNode answered = message.get("tool_call_id");
        if (answered != null && answered.isTextual()) {
            message.put("tool_call_id", Ids.mistralToolCallId(answered.textValue()));
        }
    }

    private static boolean hasContent(ObjectNode message) {
        JsonNode content = message.get("content");
        return content != null && !content.isNull() && !(content.isTextual() && content.textValue().isEmpty());
    }

    private static void toolCall(JsonNode call) {
        if (!(call instanceof ObjectNode object)) {
            return;
        }
        MistralCloudHygiene.dropNulls(object);
        object.retain(TOOL_CALL_FIELDS);
        JsonNode id = object.get("id");
        if (id != null && id.isTextual()) {
            object.put("id", Ids.mistralToolCallId(id.textValue()));
        }
        if (object.get("function") instanceof ObjectNode function) {
            function.retain("name", "arguments");
            if (!function.hasNonNull("arguments")) {
                function.put("arguments", "{}");
            }
        }
    }

    /**
     * One content part in Mistral's chunk shape: OpenAI's {@code input_audio} object becomes
     * Mistral's string, a {@code file} part its {@code file_id}, an assistant's {@code refusal} part
     * text; a system message takes text only.
     */
    private static JsonNode part(int i, int j, String role, JsonNode part) {
        String at = "messages[" + i + "].content[" + j + "]";
        if (!(part instanceof ObjectNode object)) {
            throw GatewayException.badRequest(at + " must be a content part object");
        }
        String type = object.path("type").asText("");
        if (role.equals("system") && !type.equals("text") && !type.equals("thinking")) {
            throw GatewayException.badRequest(at + ": a system message takes text and thinking parts only at "
                    + "Mistral's API, not '" + type + "'");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", type);
        switch (type) {
            case "text" -> out.set("text", object.path("text").isTextual() ? object.get("text") : TextNode.valueOf(""));
            case "refusal" -> out.put("type", "text").set("text", TextNode.valueOf(object.path("refusal").asText("")));
            case "image_url" -> out.set("image_url", imageUrl(object.get("image_url")));
            case "input_audio" -> {
                JsonNode audio = object.get("input_audio");
                JsonNode data = audio != null && audio.isObject() ? audio.get("data") : audio;
                if (data == null || !data.isTextual()) {
                    throw GatewayException.badRequest(at + ".input_audio must hold the audio as base64 'data'");
                }
                out.set("input_audio", data);
            }
            case "file" -> {
                JsonNode fileId = object.path("file").path("file_id");
                if (!fileId.isTextual()) {
                    throw GatewayException.badRequest(at + ": Mistral's API takes a file by its 'file_id' (upload it "
                            + "to Mistral's files API first), not as 'file_data'");
                }
                out.set("file_id", fileId);
            }
            default -> {
                if (MISTRAL_ONLY_PARTS.contains(type)) {
                    return object;
                }
                throw GatewayException.badRequest(at + ": parts of type '" + type + "' cannot be sent to Mistral's "
                        + "API; use text, image_url, input_audio or file parts");
            }
        }
        return out;
    }

    private static JsonNode imageUrl(JsonNode image) {
        if (!(image instanceof ObjectNode object)) {
            return image;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("url", object.get("url"));
        JsonNode detail = object.get("detail");
        if (detail != null && detail.isTextual() && IMAGE_DETAILS.contains(detail.textValue())) {
            out.set("detail", detail);
        }
        return out;
    }
}
