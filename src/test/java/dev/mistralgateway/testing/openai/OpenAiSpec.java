package dev.mistralgateway.testing.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.keyword.UnknownKeywordFactory;

import dev.mistralgateway.testing.Json;

/**
 * OpenAI's published spec as the tests have it ({@code src/test/resources/openai/openapi.yaml}, MIT,
 * with its LICENSE and NOTICE): what a client of OpenAI's API may expect, checked with the JSON
 * Schema library the Mistral contract uses. Read and compiled once per JVM.
 */
public final class OpenAiSpec {

    public static final String RESOURCE = "openai/openapi.yaml";
    private static final String IRI = "openai:openapi.yaml";

    private OpenAiSpec() {
    }

    /** Every way the value misses the document's schema of this name; empty when it fits. */
    public static List<String> violations(String schema, JsonNode value) {
        return Loaded.schema(schema).validate(value).stream().map(error -> error.toString()).toList();
    }

    /** Fails, listing what is wrong, unless the value fits the schema of this name. */
    public static void assertFits(String schema, JsonNode value) {
        assertEquals(List.of(), violations(schema, value), () -> schema + " does not fit: " + value);
    }

    /** A Responses answer. */
    public static void assertResponse(String body) {
        assertFits("Response", Json.tree(body));
    }

    /** Each event of a Responses stream, as its data. */
    public static void assertStreamEvents(List<String> data) {
        data.forEach(event -> assertFits("ResponseStreamEvent", Json.tree(event)));
    }

    private static final class Loaded {

        /**
         * OpenAPI 3.1's dialect, with the document's own fields as no keywords; and {@code discriminator}
         * too: OpenAI's spec names its discriminator values by each member's {@code type} enum, not by
         * schema name, so the members' {@code oneOf} decides alone.
         */
        private static final Dialect DIALECT = Dialect.builder(Dialects.getOpenApi31())
                .keywords(Stream.of("openapi", "info", "servers", "paths", "webhooks", "components", "security",
                        "tags", "x-oaiMeta", "discriminator").map(NonValidationKeyword::new).toList())
                .unknownKeywordFactory((keyword, context) -> keyword.startsWith("x-")
                        ? new NonValidationKeyword(keyword)
                        : UnknownKeywordFactory.getInstance().getKeyword(keyword, context))
                .build();

        private static final SchemaRegistry REGISTRY;
        private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

        static {
            try (InputStream in = OpenAiSpec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the test classpath");
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                REGISTRY = SchemaRegistry.withDefaultDialect(DIALECT, builder -> builder.schemas(Map.of(IRI, text)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Schema schema(String name) {
            return SCHEMAS.computeIfAbsent(name, n -> {
                Schema schema = REGISTRY.getSchema(SchemaLocation.of(IRI + "#/components/schemas/" + n));
                schema.initializeValidators();
                return schema;
            });
        }
    }
}
