package dev.mistralgateway.standin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;

import dev.mistralgateway.standin.Violation.Kind;

/**
 * The schema library's errors in the words of Mistral's 422: where (pydantic's {@code loc}), what
 * (pydantic's {@code type}), the value found there, and nothing that only restates a deeper
 * problem. Part of {@link MistralContract}.
 */
final class SchemaViolations {

    private SchemaViolations() {
    }

    /** Every way {@code body} misses {@code schema}, as Mistral's 422 would list it; empty when it fits. */
    static List<Violation> of(Schema schema, JsonNode body) {
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
}
