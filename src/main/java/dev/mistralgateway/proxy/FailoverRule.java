package dev.mistralgateway.proxy;

import dev.mistralgateway.config.Balancing;
import dev.mistralgateway.config.Balancing.FailoverCriterion;

/**
 * Whether a failed attempt may go on to another target, by Kong's failover criteria, which are
 * nginx's {@code proxy_next_upstream}: the failure must be one the criteria name, and a request the
 * upstream may have received (every request here is a POST, which nginx calls non-idempotent) goes
 * on only when the criteria also say {@code non_idempotent}. A request that never reached its
 * upstream (no connection, no TLS, no such host) may always go on when its failure is named.
 */
final class FailoverRule {

    private FailoverRule() {
    }

    static boolean movesOn(Balancing balancing, FailoverCriterion criterion, boolean sent) {
        if (criterion == null || !balancing.failoverCriteria().contains(criterion)) {
            return false;
        }
        return !sent || balancing.failoverCriteria().contains(FailoverCriterion.NON_IDEMPOTENT);
    }
}
