package dev.mistralgateway.request;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.ModelOptions;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.StreamingMode;
import dev.mistralgateway.route.Target;

/**
 * Kong's request rules, in Kong's order and with Kong's messages, as pure functions: body checks,
 * model resolution with the own-model rule, route-type shape check, streaming flag, and the
 * target's options overriding the client's.
 */
public final class KongRequestRules {

    static final String INVALID_PROMPTS = "request body doesn't contain valid prompts";
    static final String NO_MODEL = "model parameter not found in request, nor in gateway configuration";
    static final String MULTIPLE_FORMATS = "request matches multiple LLM request formats";
    static final String STREAMING_DENIED = "response streaming is not enabled for this LLM";

    private final ObjectReader reader;

    /** Deeper JSON than any chat request needs is refused before it costs a deep parse. */
    static final int MAX_NESTING = 64;

    public KongRequestRules(ObjectMapper mapper) {
        ObjectMapper strict = mapper.copyWith(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING).build())
                .build());
        // a body with anything after its JSON object is not valid JSON
        this.reader = strict.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** The checks that hold whatever target serves: size, JSON, prompts. The body comes back parsed. */
    public ObjectNode check(Route route, byte[] rawBody) {
        return checkPrompts(route, read(route, rawBody));
    }

    /**
     * The body's size and JSON, the checks before a client API's translation; any JSON value comes
     * back, for the translation or {@link #checkPrompts} to refuse what is no request.
     */
    public JsonNode read(Route route, byte[] rawBody) {
        if (route.maxRequestBodySize() > 0 && rawBody.length > route.maxRequestBodySize()) {
            throw new GatewayException(413, "request body is " + rawBody.length + " bytes, larger than this route's "
                    + "max_request_body_size of " + route.maxRequestBodySize() + " bytes");
        }
        return parse(rawBody);
    }

    /** The prompts and field types of a body in the chat, completions or embeddings form. */
    public ObjectNode checkPrompts(Route route, JsonNode node) {
        if (node instanceof ObjectNode body && (hasMessages(body) || hasPrompt(body) || hasInput(body))) {
            RequestShape.check(body, route.maxMessages());
            return body;
        }
        throw GatewayException.badRequest(INVALID_PROMPTS + ": send a JSON object with a non-empty 'messages' "
                + "array (chat), a string 'prompt' (completions) or an 'input' string or array (embeddings)");
    }

    /**
     * The checks and settings of one target (model, shape, streaming, option overrides), on a copy
     * of the checked body, so that another target can start again from the client's own. The copy is
     * of the top level only: these settings change no nested node, and a format that rewrites nested
     * nodes (the openai format's hygiene) copies the tree itself, so an attempt copies a body once.
     */
    public ClientRequest forTarget(Route route, Target target, ObjectNode checked) {
        ObjectNode body = checked.objectNode().setAll(checked);
        String model = resolveModel(target, body);
        RouteType shape = shapeOf(body);
        if (shape != target.routeType()) {
            throw GatewayException.badRequest("[" + shape.id() + "] message format is not compatible with ["
                    + target.routeType().id() + "] route type");
        }
        boolean stream = streaming(route, target.routeType(), body);
        if (target.routeType() != RouteType.EMBEDDINGS) {
            // sampling options mean nothing to an embedding model, and Mistral's schema refuses them there
            applyOptions(target.options(), body);
        }
        List<String> dropped = UnsupportedFields.apply(target, body);
        return new ClientRequest(body, target.routeType(), model, stream, dropped);
    }

    /** Kong's message first, then what is wrong, so the client knows what to fix. */
    private JsonNode parse(byte[] rawBody) {
        if (rawBody.length == 0) {
            throw GatewayException.badRequest(INVALID_PROMPTS + ": the body is empty; send a JSON object with "
                    + "'messages' (chat) or 'prompt' (completions)");
        }
        JsonNode node;
        try {
            node = reader.readTree(rawBody);
        } catch (JsonProcessingException e) {
            // some failures (a nesting limit) have no location
            JsonLocation where = e.getLocation();
            String at = where == null ? "" : ", at byte " + Math.max(where.getByteOffset(), where.getCharOffset());
            throw GatewayException.badRequest(INVALID_PROMPTS + ": the body is not valid JSON ("
                    + e.getOriginalMessage().split("\n")[0] + at + ")");
        } catch (IOException e) {
            throw GatewayException.badRequest(INVALID_PROMPTS + ": the body could not be read as JSON");
        }
        return node;
    }

    private static boolean hasMessages(ObjectNode body) {
        JsonNode messages = body.get("messages");
        return messages != null && messages.isArray() && !messages.isEmpty();
    }

    private static boolean hasPrompt(ObjectNode body) {
        JsonNode prompt = body.get("prompt");
        return prompt != null && prompt.isTextual();
    }

    private static boolean hasInput(ObjectNode body) {
        JsonNode input = body.get("input");
        return input != null && (input.isTextual() || input.isArray() && !input.isEmpty());
    }

    /**
     * A configured model wins; a client asking for another one is refused, not silently redirected.
     * Its alias is the same model by another name.
     */
    private static String resolveModel(Target target, ObjectNode body) {
        JsonNode requested = body.get("model");
        // as in Kong, an empty model is no model
        boolean clientSent = requested != null && !requested.isNull()
                && !(requested.isTextual() && requested.textValue().isBlank());
        if (target.modelName().isPresent()) {
            String configured = target.modelName().get();
            if (clientSent && !(requested.isTextual() && target.serves(requested.textValue()))) {
                throw GatewayException.badRequest("cannot use own model - must be: " + configured);
            }
            return configured;
        }
        if (clientSent && requested.isTextual() && !requested.textValue().isBlank()) {
            return requested.textValue();
        }
        throw GatewayException.badRequest(NO_MODEL);
    }

    private static RouteType shapeOf(ObjectNode body) {
        // a null field is an absent one, as in Kong: {"messages":[...],"prompt":null} is a chat
        boolean messages = body.hasNonNull("messages");
        boolean prompt = body.hasNonNull("prompt");
        boolean input = body.hasNonNull("input");
        if ((messages ? 1 : 0) + (prompt ? 1 : 0) + (input ? 1 : 0) > 1) {
            throw GatewayException.badRequest(MULTIPLE_FORMATS);
        }
        return messages ? RouteType.CHAT : prompt ? RouteType.COMPLETIONS : RouteType.EMBEDDINGS;
    }

    private static boolean streaming(Route route, RouteType routeType, ObjectNode body) {
        JsonNode flag = body.get("stream");
        if (flag != null && !flag.isNull() && !flag.isBoolean()) {
            throw GatewayException.badRequest("'stream' must be true or false");
        }
        boolean asked = flag != null && flag.asBoolean(false);
        if (!routeType.streams()) {
            if (asked) {
                throw GatewayException.badRequest("[" + routeType.id() + "] answers do not stream: leave 'stream' out");
            }
            return false;
        }
        if (asked && route.streaming() == StreamingMode.DENY) {
            throw GatewayException.badRequest(STREAMING_DENIED);
        }
        return asked || route.streaming() == StreamingMode.ALWAYS;
    }

    private static void applyOptions(ModelOptions options, ObjectNode body) {
        options.maxTokens().ifPresent(v -> body.put("max_tokens", v));
        options.temperature().ifPresent(v -> body.put("temperature", v));
        options.topP().ifPresent(v -> body.put("top_p", v));
        options.topK().ifPresent(v -> body.put("top_k", v));
    }
}
