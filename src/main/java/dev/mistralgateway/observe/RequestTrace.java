package dev.mistralgateway.observe;

import java.util.Map;

import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Target;

/**
 * A request's trace as the journey sees it: each attempt on a target begins (and may fail) here,
 * and the request's report ends it. {@link #NONE}, which does nothing, is every request's trace
 * while tracing is off (observe/otel holds the one that records).
 */
public interface RequestTrace {

    RequestTrace NONE = new RequestTrace() {
    };

    /**
     * An attempt on {@code target} begins; the upstream call's {@code headers} get its context
     * ({@code traceparent}), so that the upstream's own spans join the trace.
     */
    default void attemptBegins(Target target, ClientRequest request, int attempt, Map<String, String> headers) {
    }

    /** The attempt in flight failed: with the upstream's status, or with none (0) and what was thrown. */
    default void attemptFailed(int status, Throwable thrown) {
    }

    /**
     * The request's report: the answering attempt and the request itself get its figures. A whole
     * answer's id and finish reasons are in its bytes; a stream's were read as it passed ({@code streamed},
     * null for a whole answer, and for a
     * preserve route's stream, which no translator reads).
     */
    default void reported(RequestReport report, ReportedRequest request, ClientRequest translated, byte[] answer,
            StreamFacts streamed) {
    }
}
