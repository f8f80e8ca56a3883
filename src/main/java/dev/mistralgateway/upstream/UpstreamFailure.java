package dev.mistralgateway.upstream;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Balancing.FailoverCriterion;

/**
 * A failed upstream call as the client's 502 or 504, with what failover needs to know of it: which
 * of Kong's failover criteria it answers to ({@code error}, {@code timeout}, {@code invalid_header}).
 * Whether the request reached the upstream is not kept: named failures always fail over here (Kong's
 * {@code non_idempotent} implied, docs/kong-3.15.md), so nothing would read it.
 */
public final class UpstreamFailure extends GatewayException {

    private final FailoverCriterion criterion;

    UpstreamFailure(int status, String message, Throwable cause, FailoverCriterion criterion) {
        super(status, message, cause);
        this.criterion = criterion;
    }

    public FailoverCriterion criterion() {
        return criterion;
    }
}
