package dev.mistralgateway.format.openai;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row of the Mistral cloud hygiene table: {@code row} is the row's number in docs/journey.md's
 * table, {@code name} says in one line what the row does, and {@code apply} does it to a chat body
 * (or throws the client's 400). {@code HygieneRowsTest} holds the table here and the one in the docs
 * to the same rows.
 */
record HygieneRule(String row, String name, Consumer<ObjectNode> apply) {

    /** A row applied before the format, where the pipeline needs its outcome (so nothing to do here). */
    static HygieneRule appliedBefore(String row, String name) {
        return new HygieneRule(row, name, body -> {
        });
    }
}
