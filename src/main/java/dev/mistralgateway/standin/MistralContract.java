package dev.mistralgateway.standin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.keyword.UnknownKeywordFactory;
import com.networknt.schema.path.NodePath;

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
        return schemaViolations(schema(schemaName), value);
    }

    /** How long reading and compiling the document took, in milliseconds. */
    public long loadMillis() {
        return loadMillis;
    }

    /** Whether a Mistral schema problem (answered 422) or a rule Mistral's servers apply after it (answered 400). */
    public enum Kind {
        SCHEMA,
        SERVER_RULE
    }

    /**
     * One reason Mistral would refuse a body. {@code loc} is where, as Mistral's 422 lists it after
     * {@code "body"} (property names and array indexes); {@code type} is a short name of the problem
     * (pydantic's, for schema problems); {@code input} is the value found there (null when absent).
     */
    public record Violation(Kind kind, List<Object> loc, String type, String message, JsonNode input) {

        /** {@code $.messages[0].refusal}. */
        public String path() {
            StringBuilder path = new StringBuilder("$");
            for (Object element : loc) {
                if (element instanceof Integer) {
                    path.append('[').append(element).append(']');
                } else if (element.toString().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    path.append('.').append(element);
                } else {
                    path.append("['").append(element).append("']");
                }
            }
            return path.toString();
        }

        @Override
        public String toString() {
            return path() + ": " + message;
        }
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
        List<Violation> found = new ArrayList<>(schemaViolations(schema(schemaName), tree));
        if (schemaName.equals("ChatCompletionRequest")) {
            found.addAll(MistralChatRules.check(tree));
        }
        return found;
    }

    // ---- the schema

    private static List<Violation> schemaViolations(Schema schema, JsonNode body) {
        List<Violation> all = new ArrayList<>();
        for (Error error : schema.validate(body)) {
            List<Object> loc = elements(error.getInstanceLocation());
            String keyword = String.valueOf(error.getKeyword());
            if ((keyword.equals("additionalProperties") || keyword.equals("required")) && error.getProperty() != null) {
                loc.add(error.getProperty());
            }
            all.add(new Violation(Kind.SCHEMA, List.copyOf(loc), typeOf(error), error.getMessage(), at(body, loc)));
        }
        return readable(all);
    }

    /**
     * Drops what only restates a deeper problem, without ever changing whether there is one: a union
     * that matched no alternative, and alternatives whose type did not even fit, are left out when
     * another problem was found at or under the same place (the alternative that did fit).
     */
    private static List<Violation> readable(List<Violation> all) {
        List<Violation> kept = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Violation v : all) {
            boolean restates = isUnionNoise(v) && all.stream()
                    .anyMatch(other -> !isUnionNoise(other) && startsWith(other.loc(), v.loc()));
            if (!restates && seen.add(v.toString())) {
                kept.add(v);
            }
        }
        return kept.isEmpty() ? all : kept;
    }

    private static boolean isUnionNoise(Violation v) {
        return v.type().equals("union_tag_invalid") || v.type().equals("union") || v.type().endsWith("_type")
                || v.type().equals("none_required");
    }

    private static boolean startsWith(List<Object> loc, List<Object> prefix) {
        return loc.size() >= prefix.size() && loc.subList(0, prefix.size()).equals(prefix);
    }

    /** A pydantic-like name for the problem, for the 422's {@code type}. */
    private static String typeOf(Error error) {
        String keyword = String.valueOf(error.getKeyword());
        return switch (keyword) {
            case "additionalProperties" -> "extra_forbidden";
            case "required" -> "missing";
            case "maximum" -> "less_than_equal";
            case "minimum" -> "greater_than_equal";
            case "exclusiveMaximum" -> "less_than";
            case "exclusiveMinimum" -> "greater_than";
            case "enum", "const" -> "literal_error";
            case "oneOf", "anyOf" -> "union";
            case "discriminator" -> "union_tag_invalid";
            case "maxLength" -> "string_too_long";
            case "minLength" -> "string_too_short";
            case "maxItems" -> "too_long";
            case "minItems" -> "too_short";
            case "pattern" -> "string_pattern_mismatch";
            case "type" -> switch (error.getSchemaNode() == null ? "" : error.getSchemaNode().asText()) {
                case "string" -> "string_type";
                case "number" -> "float_type";
                case "integer" -> "int_type";
                case "boolean" -> "bool_type";
                case "array" -> "list_type";
                case "object" -> "model_type";
                case "null" -> "none_required";
                default -> "value_type";
            };
            default -> "value_error";
        };
    }

    private static List<Object> elements(NodePath path) {
        List<Object> loc = new ArrayList<>();
        for (int i = 0; i < path.getNameCount(); i++) {
            loc.add(path.getElement(i));
        }
        return loc;
    }

    /** The value at loc, or the object that lacks it (as pydantic reports a missing field's input). */
    private static JsonNode at(JsonNode body, List<Object> loc) {
        JsonNode node = body;
        for (Object element : loc) {
            JsonNode next = element instanceof Integer i ? node.path(i) : node.path(element.toString());
            if (next.isMissingNode()) {
                return node;
            }
            node = next;
        }
        return node;
    }

    // ---- Mistral's answers to a body it refuses

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
