package dev.mistralgateway.format.ollama;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.ChatCompletion;
import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.answers.TextCompletion;
import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.format.TransformationException;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;

/**
 * The {@code ollama} format: Ollama's native {@code /api/chat}, {@code /api/generate} and
 * {@code /api/embed} ({@link OllamaEmbeddings}).
 *
 * <p>
 * Requests are rebuilt in Ollama's shape, only what Ollama understands going up
 * ({@link OllamaMessages}, {@link OllamaOptions}); answers are rebuilt in the OpenAI shape, fixing
 * what Kong leaves out: an {@code id}, an integer {@code created}, {@code finish_reason} from
 * {@code done_reason}, tool calls with ids and JSON-text arguments.
 */
public final class OllamaFormat implements Format {

    private static final String SUFFIX = "/ollama";

    private final ObjectMapper mapper;
    private final Clock clock;

    public OllamaFormat(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ObjectNode toUpstream(ClientRequest request, Target target) {
        if (request.routeType() == RouteType.EMBEDDINGS) {
            return OllamaEmbeddings.request(mapper, request, target.ollamaSettings(), OllamaOptions.TOP_LEVEL_SETTINGS);
        }
        ObjectNode in = request.body();
        ObjectNode out = mapper.createObjectNode();
        out.put("model", request.model());
        if (request.routeType() == RouteType.CHAT) {
            out.set("messages", OllamaMessages.of(mapper, (ArrayNode) in.get("messages")));
        } else {
            out.set("prompt", in.get("prompt"));
            OllamaOptions.copy(in, "suffix", out, "suffix");
        }
        out.put("stream", request.stream());
        if (in.hasNonNull("tools")) {
            out.set("tools", in.get("tools"));
        }
        JsonNode format = OllamaOptions.format(in.get("response_format"));
        if (format != null) {
            out.set("format", format);
        }
        ObjectNode options = OllamaOptions.options(mapper, in, target.ollamaSettings());
        if (!options.isEmpty()) {
            out.set("options", options);
        }
        OllamaOptions.topLevelSettings(mapper, target.ollamaSettings(), out);
        return out;
    }

    @Override
    public Translated fromUpstream(byte[] upstreamBody, ClientRequest request, Target target) {
        JsonNode answer = parse(upstreamBody, request.routeType());
        long created = OllamaAnswers.created(answer, clock);
        String model = answer.path("model").isTextual() ? answer.get("model").textValue() : request.model();
        Usage usage = Usage.of(answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0));
        Object openAi;
        if (request.routeType() == RouteType.EMBEDDINGS) {
            openAi = OllamaEmbeddings.answer(answer, request, model);
            if (openAi == null) {
                throw failure(request.routeType(), "'embeddings' not in llm/v1/embeddings response");
            }
        } else if (request.routeType() == RouteType.CHAT) {
            JsonNode message = answer.get("message");
            if (message == null || !message.isObject()) {
                throw failure(request.routeType(), "'message' not in llm/v1/chat response");
            }
            List<ChatCompletion.ToolCall> toolCalls = OllamaAnswers.toolCalls(message.get("tool_calls"));
            String content = message.path("content").asText("");
            String thinking = message.path("thinking").isTextual() ? message.get("thinking").textValue() : null;
            ChatCompletion.Message out = new ChatCompletion.Message("assistant",
                    toolCalls.isEmpty() || !content.isEmpty() ? content : null,
                    toolCalls.isEmpty() ? null : toolCalls, thinking);
            String finish = toolCalls.isEmpty() ? OllamaAnswers.finishReason(answer, request) : "tool_calls";
            openAi = new ChatCompletion(Ids.next("chatcmpl-"), ChatCompletion.OBJECT, created, model,
                    List.of(new ChatCompletion.Choice(0, out, finish)), usage);
        } else {
            JsonNode response = answer.get("response");
            if (response == null || !response.isTextual()) {
                throw failure(request.routeType(), "'response' not in llm/v1/completions response");
            }
            openAi = new TextCompletion(Ids.next("cmpl-"), TextCompletion.OBJECT, created, model,
                    List.of(new TextCompletion.Choice(0, response.textValue(), null,
                            OllamaAnswers.finishReason(answer, request))),
                    usage);
        }
        try {
            return new Translated(mapper.writeValueAsBytes(openAi), usage, model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer record always serialises", e);
        }
    }

    private JsonNode parse(byte[] body, RouteType routeType) {
        JsonNode answer;
        try {
            answer = mapper.readTree(body);
        } catch (IOException e) {
            throw failure(routeType, "upstream answer is not JSON");
        }
        if (answer == null || !answer.isObject()) {
            throw failure(routeType, "upstream answer is not a JSON object");
        }
        if (answer.path("error").isTextual()) {
            throw failure(routeType, "upstream answered an error: " + answer.get("error").textValue());
        }
        return answer;
    }

    private static TransformationException failure(RouteType routeType, String reason) {
        return new TransformationException(routeType, SUFFIX, reason);
    }

    @Override
    public StreamTranslator streamTranslator(ClientRequest request, Target target) {
        return new OllamaStreamTranslator(mapper, clock, request);
    }

    /** Ollama's {@code {"error":"..."}} in the OpenAI error shape, with the upstream's status. */
    @Override
    public Optional<byte[]> errorFromUpstream(int status, byte[] upstreamBody) {
        try {
            JsonNode error = mapper.readTree(upstreamBody);
            if (error != null && error.path("error").isTextual()) {
                return Optional.of(mapper.writeValueAsBytes(ErrorBody.of(status, error.get("error").textValue())));
            }
        } catch (IOException e) {
            // not JSON: passed through as it came
        }
        return Optional.empty();
    }
}
