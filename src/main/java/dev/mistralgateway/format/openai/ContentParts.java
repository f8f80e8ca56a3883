package dev.mistralgateway.format.openai;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.mistralgateway.error.GatewayException;

/**
 * One content part of a message in Mistral's {@code ContentChunk} shape: OpenAI's
 * {@code input_audio} object becomes Mistral's string, a {@code file} part its {@code file_id}, an
 * assistant's {@code refusal} part text, an image's {@code detail} is kept only when Mistral knows
 * it; a system message takes text only. Part of {@link MistralMessages}.
 */
final class ContentParts {

    private static final Set<String> IMAGE_DETAILS = Set.of("low", "auto", "high");
    /** Mistral's own content chunk kinds, which a client that knows Mistral may send as they are. */
    private static final Set<String> MISTRAL_ONLY_PARTS = Set.of("document_url", "reference", "thinking");

    private ContentParts() {
    }

    /** Part {@code j} of message {@code i}, whose role is {@code role}; 400 when Mistral has no such part. */
    static JsonNode inMistralShape(int i, int j, String role, JsonNode part) {
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
