package dev.mistralgateway.standin;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One reason Mistral would refuse a body ({@link MistralContract}). {@code loc} is where, as
 * Mistral's 422 lists it after {@code "body"} (property names and array indexes); {@code type} is a
 * short name of the problem (pydantic's, for schema problems); {@code input} is the value found
 * there (null when absent).
 */
public record Violation(Kind kind, List<Object> loc, String type, String message, JsonNode input) {

    /** Whether a Mistral schema problem (answered 422) or a rule Mistral's servers apply after it (answered 400). */
    public enum Kind {
        SCHEMA,
        SERVER_RULE
    }

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
