package dev.mistralgateway.standin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.keyword.UnknownKeywordFactory;

import dev.mistralgateway.standin.Violation.Kind;

/**
 * What Mistral's cloud API accepts as a request body: its own published OpenAPI 3.1 document
 * ({@code src/test/resources/mistral/openapi.yaml}, see the NOTICE beside it), plus the few rules
 * its servers apply to chat requests beyond that document, and the answers Mistral gives to a body
 * it refuses.
 *
 * <p>
 * The tests check what the gateway sends with it, and dev mode's stand-in of Mistral
 * ({@link MistralStandIn}) checks what it receives. Neither the document nor the schema library
 * this needs is in a packaged build: the document is a test resource (read from the classpath by
 * the tests, from the project's folder by dev mode) and the library a {@code provided} dependency,
 * on the classpath of the tests and of dev mode only. This class is never loaded outside them.
 *
 * <p>
 * The document is read as a whole (so its {@code #/components/schemas/...} references resolve),
 * and each endpoint's request schema is taken from it.
 */
public final class MistralContract {

    /** Request schema per endpoint, by the ending of the path the request went to. */
    private static final Map<String, String> SCHEMAS = Map.of(
            "/v1/chat/completions", "ChatCompletionRequest",
            "/v1/fim/completions", "FIMCompletionRequest",
            "/v1/embeddings", "EmbeddingRequest");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * OpenAPI 3.1's schema dialect, told that the document's own top-level fields and the vendor
     * extensions ({@code x-...}) are not schema keywords, so that it does not warn of them. Other
     * unknown keywords are still warned of.
     */
    private static final Dialect DIALECT = Dialect.builder(Dialects.getOpenApi31())
            .keywords(Stream.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
                    "components", "security", "tags", "externalDocs").map(NonValidationKeyword::new).toList())
            .unknownKeywordFactory((keyword, context) -> keyword.startsWith("x-")
                    ? new NonValidationKeyword(keyword)
                    : UnknownKeywordFactory.getInstance().getKeyword(keyword, context))
            .build();

    /** The name the document goes by in the schema library, which takes its text from here: nothing is fetched. */
    private static final String IRI = "mistral:openapi.yaml";

    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final long loadMillis;

    private MistralContract(SchemaRegistry registry, long start) {
        this.registry = registry;
        SCHEMAS.values().forEach(this::schema);
        this.loadMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** Reads the document, given its text, and compiles the request schemas. */
    public static MistralContract read(String text) {
        long start = System.nanoTime();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(DIALECT, builder -> builder
                .schemas(Map.of(IRI, text))
                // Mistral's pydantic models check formats too (e.g. a file_id must be a UUID)
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        return new MistralContract(registry, start);
    }

    /** One of the document's schemas ({@code #/components/schemas/<name>}), compiled on first use. */
    private Schema schema(String name) {
        return schemas.computeIfAbsent(name, n -> {
            Schema schema = registry.getSchema(SchemaLocation.of(IRI + "#/components/schemas/" + n));
            schema.initializeValidators();
            return schema;
        });
    }

    /**
     * Every way a value misses one of the document's schemas by name, e.g. an answer's
     * {@code ChatCompletionChoice} or a stream's {@code CompletionChunk}; empty when it fits.
     */
    public List<Violation> checkAgainst(String schemaName, JsonNode value) {
        return SchemaViolations.of(schema(schemaName), value);
    }

    /** How long reading and compiling the document took, in milliseconds. */
    public long loadMillis() {
        return loadMillis;
    }

    /** The request schema Mistral has for this path (matched on its ending), if it is one of the covered endpoints. */
    public static Optional<String> schemaFor(String endpointPath) {
        return SCHEMAS.entrySet().stream().filter(e -> endpointPath.endsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst();
    }

    public static boolean covers(String endpointPath) {
        return schemaFor(endpointPath).isPresent();
    }

    /** Every reason Mistral would refuse this body at this endpoint, as {@code $.json.path: message}; empty when it is fine. */
    public List<String> violations(String endpointPath, byte[] body) {
        return check(endpointPath, body).stream().map(Violation::toString).toList();
    }

    public List<String> violations(String endpointPath, String body) {
        return violations(endpointPath, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every reason Mistral would refuse this body at this endpoint: schema problems first, then the
     * server rules (chat only). Fails on a path that does not end in a covered endpoint.
     */
    public List<Violation> check(String endpointPath, byte[] body) {
        String schemaName = schemaFor(endpointPath).orElseThrow(() -> new IllegalArgumentException(
                "no Mistral request schema for " + endpointPath + "; covered: " + SCHEMAS.keySet()));
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            return List.of(new Violation(Kind.SCHEMA, List.of(), "json_invalid", "body is not JSON: " + why, null));
        }
        if (tree == null || tree.isMissingNode()) {
            return List.of(new Violation(Kind.SCHEMA, List.of(), "json_invalid", "body is not JSON: it is empty", null));
        }
        List<Violation> found = new ArrayList<>(SchemaViolations.of(schema(schemaName), tree));
        if (schemaName.equals("ChatCompletionRequest")) {
            found.addAll(MistralChatRules.check(tree));
        }
        return found;
    }

    /** Mistral's refusal: the HTTP status and the JSON body. */
    public record Refusal(int status, String body) {
    }

    /**
     * Mistral's answer to a body with these problems: 422 listing the schema problems when there are
     * any (Mistral checks the schema first), else 400 naming the first server-rule problem.
     */
    public static Refusal refusal(List<Violation> found) {
        List<Violation> schema = found.stream().filter(v -> v.kind() == Kind.SCHEMA).toList();
        if (!schema.isEmpty()) {
            return new Refusal(422, unprocessable(schema));
        }
        Violation first = found.get(0);
        return new Refusal(400, error(JSON.getNodeFactory().textNode(first.message()), first.type()).toString());
    }

    /** Mistral's 422 body: {@code {"object":"error","message":{"detail":[{type, loc, msg, input}...]},...}}. */
    public static String unprocessable(List<Violation> found) {
        ArrayNode detail = JSON.createArrayNode();
        for (Violation v : found) {
            ObjectNode entry = detail.addObject();
            entry.put("type", v.type());
            ArrayNode loc = entry.putArray("loc").add("body");
            v.loc().forEach(element -> {
                if (element instanceof Integer i) {
                    loc.add(i);
                } else {
                    loc.add(element.toString());
                }
            });
            entry.put("msg", v.message());
            entry.set("input", v.input() == null ? JSON.nullNode() : v.input());
        }
        ObjectNode message = JSON.createObjectNode();
        message.set("detail", detail);
        return error(message, "invalid_request_message_error").toString();
    }

    private static ObjectNode error(JsonNode message, String type) {
        ObjectNode error = JSON.createObjectNode();
        error.put("object", "error");
        error.set("message", message);
        error.put("type", type);
        error.putNull("param");
        error.putNull("code");
        return error;
    }
}
