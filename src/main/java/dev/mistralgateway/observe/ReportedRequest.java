package dev.mistralgateway.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.route.Route;

/** What a report needs to know of a client's request, whatever became of it. */
public interface ReportedRequest {

    String requestId();

    Route route();

    /** The body as the client sent it. */
    byte[] body();

    /** The body once checked, or null when it was refused before. */
    ObjectNode checked();

    /** When the gateway received it, in {@link System#nanoTime()}. */
    long startNanos();

    /** How many targets were tried so far. */
    int attempts();

    /** The name of the client key the request carried (never the key), or null. */
    default String clientKey() {
        return null;
    }

    /** How a semantic route chose its targets (and its embeddings call), or null on other routes. */
    default SemanticRouting semantic() {
        return null;
    }

    /** The request's trace ({@link RequestTrace#NONE} while tracing is off). */
    default RequestTrace trace() {
        return RequestTrace.NONE;
    }
}
