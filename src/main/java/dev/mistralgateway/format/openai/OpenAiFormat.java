package dev.mistralgateway.format.openai;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.config.Target;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.format.TransformationException;
import dev.mistralgateway.openai.Usage;
import dev.mistralgateway.pipeline.ClientRequest;

/**
 * The {@code openai} format: Mistral's cloud API and OpenAI-compatible servers (llama.cpp's
 * {@code llama-server}, vLLM). The body goes up as the client sent it, with the model set,
 * {@code stream} explicit and {@code top_k} removed (Mistral answers 422 to fields it does not
 * know); a target on Mistral's cloud API also gets {@link MistralCloudHygiene}. An answer comes back
 * byte for byte once it is JSON with {@code choices}.
 */
public final class OpenAiFormat implements Format {

    private final ObjectMapper mapper;

    public OpenAiFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public ObjectNode toUpstream(ClientRequest request, Target target) {
        ObjectNode body = request.body().deepCopy();
        body.put("model", request.model());
        body.put("stream", request.stream());
        body.remove("top_k");
        if (target.mistralCloud()) {
            MistralCloudHygiene.apply(body);
        }
        return body;
    }

    @Override
    public StreamTranslator streamTranslator(ClientRequest request, Target target) {
        return new OpenAiStreamTranslator(mapper);
    }

    @Override
    public Translated fromUpstream(byte[] upstreamBody, ClientRequest request, Target target) {
        JsonNode answer;
        try {
            answer = mapper.readTree(upstreamBody);
        } catch (IOException e) {
            throw new TransformationException(request.routeType(), "", "upstream answer is not JSON");
        }
        if (answer == null || !answer.isObject()) {
            throw new TransformationException(request.routeType(), "", "upstream answer is not a JSON object");
        }
        if (!answer.path("choices").isArray()) {
            throw new TransformationException(request.routeType(), "",
                    "'choices' not in " + request.routeType().id() + " response");
        }
        return new Translated(upstreamBody, usageOf(answer), answer.path("model").isTextual() ? answer.get("model").textValue() : null);
    }

    /** The answer's {@code usage}, when it has one with token counts. */
    static Usage usageOf(JsonNode answer) {
        JsonNode usage = answer.get("usage");
        if (usage == null || !usage.isObject() || !usage.path("prompt_tokens").canConvertToLong()) {
            return null;
        }
        return Usage.of(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong());
    }
}
