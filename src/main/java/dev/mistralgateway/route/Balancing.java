package dev.mistralgateway.route;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Kong's {@code balancer} settings of a route, validated: how to pick a target and when to try another. */
public record Balancing(
        Algorithm algorithm,
        int retries,
        Set<FailoverCriterion> failoverCriteria,
        String hashOnHeader,
        LatencyStrategy latencyStrategy,
        TokensCountStrategy tokensCountStrategy,
        int maxFails,
        Duration failTimeout) {

    public enum Algorithm {
        ROUND_ROBIN,
        PRIORITY,
        LOWEST_LATENCY,
        LOWEST_USAGE,
        CONSISTENT_HASHING,
        LEAST_CONNECTIONS,
        /**
         * By the prompt's meaning: the target whose description is nearest (see
         * {@link dev.mistralgateway.validation.SemanticSettings}).
         */
        SEMANTIC;

        /** Kong's spelling: {@code round-robin}, {@code consistent-hashing}, ... */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What makes a failed attempt worth another target; anything else is answered as it is. */
    public enum FailoverCriterion {
        /** The upstream could not be reached or broke the connection. */
        ERROR,
        /** The upstream did not answer within the route's timeouts. */
        TIMEOUT,
        /** The upstream's answer did not start with a readable HTTP head (nginx's "invalid response"). */
        INVALID_HEADER,
        /**
         * No failure of its own: lets a request that reached an upstream go on to another one (nginx's
         * rule for POSTs, and every request here is a POST); without it only a request that never got
         * there (no connection) moves on.
         */
        NON_IDEMPOTENT,
        HTTP_403,
        HTTP_404,
        HTTP_429,
        HTTP_500,
        HTTP_502,
        HTTP_503,
        HTTP_504;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The criterion an upstream status answers to, or null for a status that never fails over. */
        public static FailoverCriterion ofStatus(int status) {
            for (FailoverCriterion criterion : values()) {
                if (criterion.name().equals("HTTP_" + status)) {
                    return criterion;
                }
            }
            return null;
        }
    }

    public enum LatencyStrategy {
        /** Time per output token. */
        TPOT,
        /** End-to-end time of the whole answer. */
        E2E
    }

    public enum TokensCountStrategy {
        TOTAL_TOKENS,
        PROMPT_TOKENS,
        COMPLETION_TOKENS,
        COST
    }
}
