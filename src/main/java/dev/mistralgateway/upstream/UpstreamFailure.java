package dev.mistralgateway.upstream;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Balancing.FailoverCriterion;

/**
 * A failed upstream call as the client's 502 or 504, with what failover needs to know of it: which
 * of Kong's failover criteria it answers to ({@code error}, {@code timeout}, {@code invalid_header}),
 * and whether the request reached the upstream at all. nginx, whose rules Kong's criteria are, passes
 * a POST that was sent on to the next upstream only with {@code non_idempotent}; one that never got
 * there (no connection, no TLS, no such host) moves on whatever the criteria say of POSTs.
 */
public final class UpstreamFailure extends GatewayException {

    private final FailoverCriterion criterion;
    private final boolean sent;

    UpstreamFailure(int status, String message, Throwable cause, FailoverCriterion criterion, boolean sent) {
        super(status, message, cause);
        this.criterion = criterion;
        this.sent = sent;
    }

    public FailoverCriterion criterion() {
        return criterion;
    }

    /** Whether the request may have reached the upstream (a connection was made). */
    public boolean sent() {
        return sent;
    }
}
