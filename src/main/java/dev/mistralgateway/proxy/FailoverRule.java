package dev.mistralgateway.proxy;

import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.Balancing.FailoverCriterion;

/**
 * Whether a failed attempt may go on to another target: when the route's failover criteria name its
 * failure. Kong's criteria are nginx's {@code proxy_next_upstream}, where a POST the upstream may have
 * received goes on only when the criteria also say {@code non_idempotent}; every request here is a
 * POST, and an LLM call has no effect beyond its cost, so a user who names {@code http_429} means a
 * 429 to fail over. Named failures therefore fail over whether or not the request was sent, and
 * {@code non_idempotent} is accepted as implied (a difference from Kong, in docs/kong-3.15.md).
 */
final class FailoverRule {

    private FailoverRule() {
    }

    static boolean movesOn(Balancing balancing, FailoverCriterion criterion) {
        return criterion != null && balancing.failoverCriteria().contains(criterion);
    }
}
