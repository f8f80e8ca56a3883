package dev.mistralgateway.format.ollama;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.EmbeddingList;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.request.ClientRequest;

/**
 * OpenAI embeddings requests as Ollama's {@code /api/embed} ({@code model}, {@code input} a string
 * or an array, {@code dimensions}, {@code options}, {@code keep_alive}), and its answer
 * ({@code embeddings}, {@code prompt_eval_count}) as OpenAI's list. Part of {@link OllamaFormat}.
 */
final class OllamaEmbeddings {

    private OllamaEmbeddings() {
    }

    static ObjectNode request(ObjectMapper mapper, ClientRequest request, Map<String, Object> settings,
            Set<String> topLevelSettings) {
        ObjectNode in = request.body();
        JsonNode input = in.get("input");
        if (input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw GatewayException.badRequest("'input' must be a string or an array of strings for Ollama "
                            + "(token arrays are not taken)");
                }
            }
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("model", request.model());
        out.set("input", input);
        if (in.hasNonNull("dimensions")) {
            out.set("dimensions", in.get("dimensions"));
        }
        ObjectNode options = mapper.createObjectNode();
        settings.forEach((name, value) -> (topLevelSettings.contains(name) ? out : options)
                .set(name, mapper.valueToTree(value)));
        if (!options.isEmpty()) {
            out.set("options", options);
        }
        return out;
    }

    /** Ollama's vectors as OpenAI's list; null when the answer holds no {@code embeddings} array. */
    static EmbeddingList answer(JsonNode answer, ClientRequest request, String model) {
        JsonNode vectors = answer.get("embeddings");
        if (vectors == null || !vectors.isArray()) {
            return null;
        }
        boolean base64 = request.body().path("encoding_format").asText("float").equals("base64");
        List<EmbeddingList.Embedding> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode vector = vectors.get(i);
            data.add(new EmbeddingList.Embedding(EmbeddingList.Embedding.OBJECT, i, base64 ? base64(vector) : vector));
        }
        long tokens = answer.path("prompt_eval_count").asLong(0);
        return new EmbeddingList(EmbeddingList.OBJECT, data, model, new EmbeddingList.Tokens(tokens, tokens));
    }

    /** OpenAI's base64 form: the vector's float32 values, little-endian, one after the other. */
    private static String base64(JsonNode vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(value -> bytes.putFloat((float) value.asDouble()));
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
