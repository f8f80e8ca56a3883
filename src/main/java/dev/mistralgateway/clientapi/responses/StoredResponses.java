package dev.mistralgateway.clientapi.responses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.fleet.StoredValues;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.security.ClientAuthenticator;
import io.smallrye.mutiny.Uni;

/**
 * Stored responses of the Responses API, in the fleet's Redis ({@link StoredValues}): a request with
 * {@code store} (OpenAI's default, true) keeps its conversation so far (the earlier history, its own
 * input items, a string input as a user message) and its {@code Response}, whose output items end
 * the conversation. A follow-up with {@code previous_response_id} gets that conversation before its
 * own input, and is translated as if it had sent the whole ({@code instructions} are not carried
 * over, as at OpenAI). {@code GET} and {@code DELETE} on {@code <path>/<id>} read and delete one.
 *
 * <p>
 * A stored response is its owner's only: its key holds a digest of the client's credential
 * ({@link ClientAuthenticator#credential}), so another key finds nothing, as if there were nothing.
 */
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class StoredResponses {

    private final StoredValues values;
    private final ObjectMapper mapper;

    public StoredResponses(StoredValues values, ObjectMapper mapper) {
        this.values = values;
        this.mapper = mapper;
    }

    /** Why no response is stored, for the messages that need one; null when they are. */
    public String notStoredBecause() {
        if (values.kept()) {
            return null;
        }
        return values.ttl().isZero() ? "AI_PROXY_SHARED_STATE_RESPONSES_TTL is 0" : ResponsesApi.NO_REDIS;
    }

    /** Whether the request continues a stored response, whose conversation must be read first. */
    public boolean continues(Route route, JsonNode sent) {
        return values.kept() && route.clientApi() == ClientApiKind.RESPONSES && sent.isObject()
                && sent.hasNonNull("previous_response_id");
    }

    /**
     * The request with the stored conversation before its own input.
     *
     * @return fails with a 400 when there is no such response for this client, a 503 when Redis
     *         does not answer within its deadline
     */
    public Uni<JsonNode> withHistory(Route route, JsonNode sent, UnaryOperator<String> clientHeader) {
        JsonNode previous = sent.get("previous_response_id");
        if (!previous.isTextual() || previous.textValue().isBlank()) {
            return Uni.createFrom().failure(GatewayException.badRequest("'previous_response_id' must be the id of a "
                    + "stored response (resp_...)"));
        }
        String id = previous.textValue();
        return values.get(key(route, clientHeader, id))
                .onFailure().transform(failure -> unreadable("previous response '" + id + "'"))
                .map(found -> {
                    JsonNode record = found.map(this::parse).orElseThrow(() -> GatewayException.badRequest(
                            "Previous response with id '" + id + "' not found: " + whyNotFound()
                                    + "; send the whole conversation in 'input' instead"));
                    // the conversation before the earlier response, its output, then this request's input
                    ArrayNode input = mapper.createArrayNode();
                    input.addAll(items(record.get("input"), false));
                    input.addAll(items(record.path("response").get("output"), false));
                    input.addAll(items(sent.get("input"), true));
                    ObjectNode merged = ((ObjectNode) sent).deepCopy();
                    merged.set("input", input);
                    return merged;
                });
    }

    /** What stores this request's response for a follow-up, or null when it is not to be stored. */
    public Keep keep(Route route, JsonNode sent, UnaryOperator<String> clientHeader) {
        boolean store = !sent.path("store").isBoolean() || sent.get("store").booleanValue();
        if (!store || !values.kept() || route.clientApi() != ClientApiKind.RESPONSES) {
            return null;
        }
        return new Keep(owner(route, clientHeader), items(sent.get("input"), false));
    }

    /** {@code GET <path>/<id>}: the stored response, as it was answered. */
    public Uni<byte[]> retrieve(Route route, String id, UnaryOperator<String> clientHeader) {
        refuseWithoutStore(route, id, clientHeader);
        return values.get(key(route, clientHeader, id))
                .onFailure().transform(failure -> unreadable("response '" + id + "'"))
                .map(found -> json(found.map(this::parse).orElseThrow(() -> notFound(id)).get("response")));
    }

    /** {@code DELETE <path>/<id>}: OpenAI's {@code {"id","object":"response","deleted":true}}. */
    public Uni<byte[]> delete(Route route, String id, UnaryOperator<String> clientHeader) {
        refuseWithoutStore(route, id, clientHeader);
        return values.delete(key(route, clientHeader, id))
                .onFailure().transform(failure -> unreadable("response '" + id + "'"))
                .map(deleted -> {
                    if (!deleted) {
                        throw notFound(id);
                    }
                    return json(mapper.createObjectNode().put("id", id).put("object", "response").put("deleted", true));
                });
    }

    private void refuseWithoutStore(Route route, String id, UnaryOperator<String> clientHeader) {
        ClientAuthenticator.check(route, clientHeader);
        if (!values.kept()) {
            throw new GatewayException(404, "No response with id '" + id + "': this gateway stores no responses ("
                    + notStoredBecause() + ")");
        }
    }

    private GatewayException notFound(String id) {
        return new GatewayException(404, "No response with id '" + id + "': " + whyNotFound());
    }

    private String whyNotFound() {
        return "this client key stored none by that id (made with store: false, or with another key), or it "
                + "expired (stored responses stay " + values.ttl().toSeconds() + " s)";
    }

    private GatewayException unreadable(String what) {
        return new GatewayException(503, "the " + what + " could not be read: the fleet's Redis did not answer within "
                + values.deadline().toMillis() + " ms; retry, or send the whole conversation in 'input'")
                .withHeaders(Map.of("Retry-After", "1"));
    }

    /** The Redis key of a response: its owner's digest, then its id. */
    private static String key(Route route, UnaryOperator<String> clientHeader, String id) {
        return "response:" + owner(route, clientHeader) + ":" + id;
    }

    /** A digest of the digest of the client's credential (no one can turn it back), or {@code anonymous}. */
    static String owner(Route route, UnaryOperator<String> clientHeader) {
        String credential = ClientAuthenticator.credential(route, clientHeader);
        if (credential == null) {
            return "anonymous";
        }
        HexFormat hex = HexFormat.of();
        return hex.formatHex(sha256(hex.formatHex(sha256(credential)).getBytes(StandardCharsets.US_ASCII)), 0, 16);
    }

    private static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A request's input as items: a string is one user message. */
    private ArrayNode items(JsonNode input, boolean strict) {
        ArrayNode items = mapper.createArrayNode();
        if (input != null && input.isTextual()) {
            items.addObject().put("type", "message").put("role", "user").put("content", input.textValue());
        } else if (input != null && input.isArray()) {
            items.addAll((ArrayNode) input);
        } else if (strict && input != null && !input.isNull()) {
            throw GatewayException.badRequest("'input' must be a string or an array of items");
        }
        return items;
    }

    private JsonNode parse(String record) {
        try {
            return mapper.readTree(record);
        } catch (IOException e) {
            throw new GatewayException(500, "a stored response could not be read back; send the whole conversation "
                    + "in 'input'");
        }
    }

    private byte[] json(JsonNode tree) {
        try {
            return mapper.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Stores one request's response: its conversation so far, and the response that ends it. */
    public final class Keep {

        private final String owner;
        private final ArrayNode input;
        private boolean stored;

        private Keep(String owner, ArrayNode input) {
            this.owner = owner;
            this.input = input;
        }

        /** Stores a whole answer (a {@code Response}). */
        public Uni<Void> whole(byte[] answer) {
            try {
                return store(mapper.readTree(answer));
            } catch (IOException e) {
                return Uni.createFrom().voidItem();
            }
        }

        /**
         * Stores a stream's response once it is there ({@link dev.mistralgateway.clientapi.ClientStream#completed});
         * called for every piece of the stream, it writes once.
         */
        public Uni<Void> streamed(JsonNode completed) {
            if (completed == null || stored) {
                return Uni.createFrom().voidItem();
            }
            return store(completed);
        }

        private Uni<Void> store(JsonNode response) {
            stored = true;
            String id = response.path("id").asText("");
            if (id.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            ObjectNode record = mapper.createObjectNode();
            record.set("input", input);
            record.set("response", response);
            return values.put("response:" + owner + ":" + id, record.toString()).replaceWithVoid();
        }
    }
}
