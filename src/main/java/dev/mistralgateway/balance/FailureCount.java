package dev.mistralgateway.balance;

import java.util.Set;

import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.Balancing.FailoverCriterion;

/**
 * Which failures count towards a circuit breaker, as Kong and nginx count them: what the route's
 * failover criteria call unsuccessful, where {@code error}, {@code timeout} and {@code invalid_header}
 * always count and {@code http_403} and {@code http_404} never do.
 */
final class FailureCount {

    private static final Set<FailoverCriterion> ALWAYS = Set.of(FailoverCriterion.ERROR, FailoverCriterion.TIMEOUT,
            FailoverCriterion.INVALID_HEADER);
    private static final Set<FailoverCriterion> NEVER = Set.of(FailoverCriterion.HTTP_403, FailoverCriterion.HTTP_404);

    private FailureCount() {
    }

    /** Whether a failure of this criterion (null: none, e.g. a 400 answered as it came) counts. */
    static boolean counts(Balancing balancing, FailoverCriterion criterion) {
        if (criterion == null || balancing.maxFails() <= 0 || NEVER.contains(criterion)) {
            return false;
        }
        return ALWAYS.contains(criterion) || balancing.failoverCriteria().contains(criterion);
    }
}
