package dev.mistralgateway.format.ollama;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * A chat request's OpenAI messages as Ollama's: string content with base64 {@code images}, tool
 * calls with their arguments as a JSON object, and tool messages that name their tool
 * ({@code tool_name}) rather than the call they answer. Part of {@link OllamaFormat}.
 */
final class OllamaMessages {

    private final ObjectMapper mapper;
    /** The tool each call id of the conversation so far named, for the tool messages answering them. */
    private final Map<String, String> toolNamesById = new HashMap<>();

    private OllamaMessages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    static ArrayNode of(ObjectMapper mapper, ArrayNode in) {
        OllamaMessages messages = new OllamaMessages(mapper);
        ArrayNode out = mapper.createArrayNode();
        for (int i = 0; i < in.size(); i++) {
            JsonNode message = in.get(i);
            if (!message.isObject()) {
                throw GatewayException.badRequest("messages[" + i + "] must be an object");
            }
            out.add(messages.message(i, message));
        }
        return out;
    }

    private ObjectNode message(int i, JsonNode in) {
        ObjectNode out = mapper.createObjectNode();
        String role = in.path("role").asText("");
        // OpenAI's newer name for the system role; Ollama knows only the older one
        out.put("role", role.equals("developer") ? "system" : role);
        content(i, in.get("content"), out);
        JsonNode toolCalls = in.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls(i, toolCalls));
        }
        if (role.equals("tool")) {
            String name = toolNamesById.get(in.path("tool_call_id").asText(""));
            if (name == null && in.path("name").isTextual()) {
                name = in.get("name").textValue();
            }
            if (name != null) {
                out.put("tool_name", name);
            }
        }
        return out;
    }

    /** OpenAI content (a string or an array of parts) as Ollama's string content plus base64 images. */
    private void content(int i, JsonNode content, ObjectNode out) {
        if (content == null || content.isNull()) {
            out.put("content", "");
            return;
        }
        if (content.isTextual()) {
            out.set("content", content);
            return;
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("messages[" + i + "].content must be a string or an array of parts");
        }
        StringBuilder text = new StringBuilder();
        ArrayNode images = mapper.createArrayNode();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (type.equals("text")) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(part.path("text").asText(""));
            } else if (type.equals("image_url")) {
                JsonNode image = part.get("image_url");
                String url = image != null && image.isObject() ? image.path("url").asText("")
                        : image != null ? image.asText("") : "";
                images.add(base64Of(i, url));
            } else {
                throw GatewayException.badRequest("messages[" + i + "].content: parts of type '" + type
                        + "' cannot be sent to Ollama; use text and image_url parts");
            }
        }
        out.put("content", text.toString());
        if (!images.isEmpty()) {
            out.set("images", images);
        }
    }

    private static String base64Of(int i, String url) {
        int marker = url.indexOf(";base64,");
        if (!url.startsWith("data:") || marker < 0) {
            throw GatewayException.badRequest("messages[" + i + "].content: Ollama cannot fetch images; send each "
                    + "image_url as a base64 data URL (data:image/png;base64,...)");
        }
        return url.substring(marker + ";base64,".length());
    }

    /** Tool calls go to Ollama with their arguments as a JSON object rather than as JSON text. */
    private ArrayNode toolCalls(int i, JsonNode calls) {
        ArrayNode out = mapper.createArrayNode();
        for (JsonNode call : calls) {
            JsonNode function = call.path("function");
            String name = function.path("name").asText("");
            JsonNode arguments = function.get("arguments");
            if (arguments != null && arguments.isTextual()) {
                try {
                    arguments = arguments.textValue().isBlank() ? mapper.createObjectNode()
                            : mapper.readTree(arguments.textValue());
                } catch (JsonProcessingException e) {
                    throw GatewayException.badRequest("messages[" + i + "].tool_calls: the arguments of '" + name
                            + "' are not valid JSON");
                }
            }
            ObjectNode outFunction = mapper.createObjectNode().put("name", name);
            outFunction.set("arguments", arguments == null || arguments.isNull() ? mapper.createObjectNode() : arguments);
            out.add(mapper.createObjectNode().set("function", outFunction));
            if (call.hasNonNull("id")) {
                toolNamesById.put(call.get("id").asText(), name);
            }
        }
        return out;
    }
}
