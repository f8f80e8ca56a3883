package dev.mistralgateway.format.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.CachedTokens;
import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.format.TransformationException;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;

/**
 * The {@code openai} format: Mistral's cloud API and OpenAI-compatible servers (llama.cpp's
 * {@code llama-server}, vLLM). The body goes up as the client sent it, with the model set,
 * {@code stream} explicit and {@code top_k} removed (Mistral answers 422 to fields it does not
 * know); a target on Mistral's cloud API also gets {@link MistralCloudHygiene}. An answer comes back
 * byte for byte once it is JSON with {@code choices}, unless its content is Mistral's reasoning
 * chunks ({@link ContentChunks}), it comes from Codestral's fill-in-the-middle endpoint
 * ({@link MistralFim}), or the request needs it changed ({@link AnswerRewrite}: the prefix Mistral
 * repeats, a legacy function call); Mistral's error bodies come back in the OpenAI shape
 * ({@link MistralErrors}).
 * Embeddings requests carry no {@code stream}, which Mistral's schema refuses there.
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
        if (request.routeType().streams()) {
            body.put("stream", request.stream());
        }
        body.remove("top_k");
        if (target.mistralCloud()) {
            switch (request.routeType()) {
                case CHAT -> MistralCloudHygiene.apply(body);
                case COMPLETIONS -> {
                    if (MistralFim.serves(target)) {
                        MistralCloudHygiene.applyFim(body);
                    }
                }
                case EMBEDDINGS -> MistralCloudHygiene.applyEmbeddings(body);
            }
        }
        return body;
    }

    @Override
    public StreamTranslator streamTranslator(ClientRequest request, Target target) {
        return new OpenAiStreamTranslator(mapper, MistralFim.serves(target), rewrites(request, target));
    }

    /** What a Mistral cloud chat answer needs changed for this request's client (none elsewhere). */
    private static List<AnswerRewrite> rewrites(ClientRequest request, Target target) {
        if (!target.mistralCloud() || request.routeType() != RouteType.CHAT) {
            return List.of();
        }
        // at every request to Mistral's cloud, and mostly none: no stream of two (C1 inlines no lambdas)
        PrefixEcho prefix = PrefixEcho.of(request.body());
        LegacyFunctions functions = LegacyFunctions.forAnswersTo(request.body());
        if (prefix == null && functions == null) {
            return List.of();
        }
        List<AnswerRewrite> rewrites = new ArrayList<>(2);
        if (prefix != null) {
            rewrites.add(prefix);
        }
        if (functions != null) {
            rewrites.add(functions);
        }
        return rewrites;
    }

    @Override
    public Translated fromUpstream(byte[] upstreamBody, ClientRequest request, Target target) {
        String expected = request.routeType() == RouteType.EMBEDDINGS ? "data" : "choices";
        boolean fim = MistralFim.serves(target);
        List<AnswerRewrite> rewrites = fim ? List.of() : rewrites(request, target);
        if (!fim && rewrites.isEmpty()) {
            // the common answer passes through as it came: read its few fields without a tree
            AnswerScan.Read read = AnswerScan.of(mapper, upstreamBody, expected);
            if (read != null) {
                if (!read.expectedIsArray()) {
                    throw notIn(request, expected);
                }
                return new Translated(upstreamBody, read.usage(), read.model());
            }
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(upstreamBody);
        } catch (IOException e) {
            throw new TransformationException(request.routeType(), "", "upstream answer is not JSON");
        }
        if (answer == null || !answer.isObject()) {
            throw new TransformationException(request.routeType(), "", "upstream answer is not a JSON object");
        }
        if (!answer.path(expected).isArray()) {
            throw notIn(request, expected);
        }
        byte[] body;
        if (fim) {
            body = write(MistralFim.textCompletion(answer));
        } else {
            boolean changed = ContentChunks.flattenAnswer(answer);
            for (AnswerRewrite rewrite : rewrites) {
                changed |= rewrite.answer(answer);
            }
            changed |= CachedTokens.inOpenAiWords(answer);
            body = changed ? write(answer) : upstreamBody;
        }
        return new Translated(body, usageOf(answer), answer.path("model").isTextual() ? answer.get("model").textValue() : null);
    }

    private static TransformationException notIn(ClientRequest request, String expected) {
        return new TransformationException(request.routeType(), "",
                "'" + expected + "' not in " + request.routeType().id() + " response");
    }

    /** Mistral's error bodies in the OpenAI error shape; other bodies pass through. */
    @Override
    public Optional<byte[]> errorFromUpstream(int status, byte[] upstreamBody) {
        JsonNode error;
        try {
            error = mapper.readTree(upstreamBody);
        } catch (IOException e) {
            return Optional.empty();
        }
        return MistralErrors.toOpenAi(status, error).map(this::write);
    }

    private byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree or record always serialises", e);
        }
    }

    /** The answer's {@code usage}, when it has one with token counts. */
    static Usage usageOf(JsonNode answer) {
        JsonNode usage = answer.get("usage");
        if (usage == null || !usage.isObject() || !usage.path("prompt_tokens").canConvertToLong()) {
            return null;
        }
        return Usage.of(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                CachedTokens.of(usage));
    }
}
