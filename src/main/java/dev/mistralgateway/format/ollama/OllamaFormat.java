package dev.mistralgateway.format.ollama;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.config.RouteType;
import dev.mistralgateway.config.Target;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.format.TransformationException;
import dev.mistralgateway.openai.ChatCompletion;
import dev.mistralgateway.openai.Ids;
import dev.mistralgateway.openai.TextCompletion;
import dev.mistralgateway.openai.Usage;
import dev.mistralgateway.pipeline.ClientRequest;

/**
 * The {@code ollama} format: Ollama's native {@code /api/chat}, {@code /api/generate} and
 * {@code /api/embed} ({@link OllamaEmbeddings}).
 *
 * <p>
 * Requests are rebuilt in Ollama's shape (only what Ollama understands goes up); answers are
 * rebuilt in the OpenAI shape, fixing what Kong leaves out: an {@code id}, an integer
 * {@code created}, {@code finish_reason} from {@code done_reason}, tool calls with ids and
 * JSON-text arguments.
 */
public final class OllamaFormat implements Format {

    private static final String SUFFIX = "/ollama";

    /** Ollama settings that are request fields of their own rather than members of {@code options}. */
    private static final Set<String> TOP_LEVEL_SETTINGS = Set.of("keep_alive", "think");

    /** OpenAI request fields that Ollama takes inside {@code options}, under the same name. */
    private static final List<String> SAME_NAME_OPTIONS = List.of("temperature", "top_p", "top_k", "seed",
            "presence_penalty", "frequency_penalty");

    private final ObjectMapper mapper;
    private final Clock clock;

    public OllamaFormat(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ObjectNode toUpstream(ClientRequest request, Target target) {
        if (request.routeType() == RouteType.EMBEDDINGS) {
            return OllamaEmbeddings.request(mapper, request, target.ollamaSettings(), TOP_LEVEL_SETTINGS);
        }
        ObjectNode in = request.body();
        ObjectNode out = mapper.createObjectNode();
        out.put("model", request.model());
        if (request.routeType() == RouteType.CHAT) {
            out.set("messages", messages((ArrayNode) in.get("messages")));
        } else {
            out.set("prompt", in.get("prompt"));
            copy(in, "suffix", out, "suffix");
        }
        out.put("stream", request.stream());
        if (in.hasNonNull("tools")) {
            out.set("tools", in.get("tools"));
        }
        JsonNode format = format(in.get("response_format"));
        if (format != null) {
            out.set("format", format);
        }
        ObjectNode options = options(in, target.ollamaSettings());
        if (!options.isEmpty()) {
            out.set("options", options);
        }
        target.ollamaSettings().forEach((name, value) -> {
            if (TOP_LEVEL_SETTINGS.contains(name)) {
                out.set(name, mapper.valueToTree(value));
            }
        });
        return out;
    }

    private ObjectNode options(ObjectNode in, Map<String, Object> settings) {
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
        // the target's own settings win, as every configured option does
        settings.forEach((name, value) -> {
            if (!TOP_LEVEL_SETTINGS.contains(name)) {
                options.set(name, mapper.valueToTree(value));
            }
        });
        return options;
    }

    /** {@code json_object} asks for any JSON, {@code json_schema} for JSON of that schema. */
    private static JsonNode format(JsonNode responseFormat) {
        if (responseFormat == null || !responseFormat.isObject()) {
            return null;
        }
        String type = responseFormat.path("type").asText("");
        if (type.equals("json_object")) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf("json");
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

    private ArrayNode messages(ArrayNode in) {
        ArrayNode out = mapper.createArrayNode();
        Map<String, String> toolNamesById = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            JsonNode message = in.get(i);
            if (!message.isObject()) {
                throw GatewayException.badRequest("messages[" + i + "] must be an object");
            }
            out.add(message(i, message, toolNamesById));
        }
        return out;
    }

    private ObjectNode message(int i, JsonNode in, Map<String, String> toolNamesById) {
        ObjectNode out = mapper.createObjectNode();
        String role = in.path("role").asText("");
        // OpenAI's newer name for the system role; Ollama knows only the older one
        out.put("role", role.equals("developer") ? "system" : role);
        content(i, in.get("content"), out);
        JsonNode toolCalls = in.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls(i, toolCalls, toolNamesById));
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
    private ArrayNode toolCalls(int i, JsonNode calls, Map<String, String> toolNamesById) {
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

    private static boolean copy(ObjectNode from, String name, ObjectNode to, String as) {
        JsonNode value = from.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        to.set(as, value);
        return true;
    }
}
