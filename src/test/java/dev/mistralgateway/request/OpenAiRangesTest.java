package dev.mistralgateway.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.mistralgateway.error.GatewayException;

/**
 * Every range OpenAI's own request schemas set ({@code src/test/resources/openai/request-schemas.yaml},
 * with its NOTICE) is one the gateway refuses beyond and takes at its edge, so the checks of
 * {@link RequestRanges} cannot drift from OpenAI's published contract. No Quarkus: the body checks
 * are pure.
 */
class OpenAiRangesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each request schema, and the body that makes a request of that kind. */
    private static final Map<String, String> BODIES = Map.of(
            "CreateChatCompletionRequest", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "CreateCompletionRequest", "{\"prompt\":\"def f():\"}",
            "CreateEmbeddingRequest", "{\"input\":\"hi\"}");

    private record Bound(String schema, String field, double value, boolean upper, boolean whole) {
    }

    @Test
    void everyRangeOfOpenAisRequestSchemasIsKept() throws IOException {
        JsonNode schemas;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openai/request-schemas.yaml")) {
            schemas = YAML.readTree(in).at("/components/schemas");
        }
        List<Bound> bounds = new ArrayList<>();
        BODIES.keySet().forEach(name -> collect(schemas, name, name, bounds));
        assertTrue(bounds.size() >= 15, "the schemas' ranges were found: " + bounds);

        for (Bound bound : bounds) {
            double step = bound.whole() ? 1 : 0.01;
            double beyond = bound.upper() ? bound.value() + step : bound.value() - step;
            GatewayException refused = assertThrows(GatewayException.class, () -> check(bound, beyond),
                    bound + " is refused beyond, at " + beyond);
            assertEquals(400, refused.status());
            assertTrue(refused.getMessage().startsWith("'" + bound.field() + "' must be"), refused.getMessage());
            check(bound, bound.value()); // and taken at the edge
        }
    }

    private static void check(Bound bound, double value) throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(BODIES.get(bound.schema()));
        if (bound.whole()) {
            body.put(bound.field(), (long) value);
        } else {
            body.put(bound.field(), value);
        }
        RequestShape.check(body, 1000);
    }

    /** The minimum and maximum of each property, through {@code allOf} and {@code anyOf}, by reference too. */
    private static void collect(JsonNode schemas, String schema, String name, List<Bound> bounds) {
        JsonNode node = schemas.path(name);
        for (JsonNode part : node.path("allOf")) {
            String ref = part.path("$ref").asText("");
            if (!ref.isEmpty()) {
                collect(schemas, schema, ref.substring(ref.lastIndexOf('/') + 1), bounds);
            } else {
                collectProperties(part, schema, bounds);
            }
        }
        collectProperties(node, schema, bounds);
    }

    private static void collectProperties(JsonNode node, String schema, List<Bound> bounds) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.path("properties").fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            List<JsonNode> alternatives = new ArrayList<>(List.of(field.getValue()));
            field.getValue().path("anyOf").forEach(alternatives::add);
            for (JsonNode alternative : alternatives) {
                boolean whole = alternative.path("type").asText("").equals("integer");
                // seed's bounds are Java's long range: nothing to check beyond them
                if (alternative.has("minimum") && Math.abs(alternative.get("minimum").asDouble()) < 1e15) {
                    bounds.add(new Bound(schema, field.getKey(), alternative.get("minimum").asDouble(), false, whole));
                }
                if (alternative.has("maximum") && Math.abs(alternative.get("maximum").asDouble()) < 1e15) {
                    bounds.add(new Bound(schema, field.getKey(), alternative.get("maximum").asDouble(), true, whole));
                }
            }
        }
    }
}
