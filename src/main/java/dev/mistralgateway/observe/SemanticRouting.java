package dev.mistralgateway.observe;

import dev.mistralgateway.answers.Usage;

/**
 * How a {@code semantic} route chose the targets of a request, and what its embeddings call of the
 * prompt took and cost (part of the request's cost).
 *
 * @param matched the description whose targets served it: one of the targets', {@code CATCHALL},
 *        or {@link #ANY} when the route has no CATCHALL target and every target may serve
 * @param status the embeddings upstream's status, 0 when no call was made (descriptions not embedded
 *        yet, a prompt without text) or it failed before an answer (502/504 then, as the gateway's)
 * @param usage the embeddings call's tokens, null when unknown
 * @param inputCost the embeddings model's cost per million input tokens
 */
public record SemanticRouting(String matched, String model, int status, long millis, Usage usage, double inputCost) {

    /** Every target of the route may serve: no description matched and none is CATCHALL. */
    public static final String ANY = "*";

    /** The embeddings call's cost, with the cost per million tokens. */
    public double cost() {
        return usage == null ? 0 : usage.promptTokens() * inputCost / 1_000_000;
    }
}
