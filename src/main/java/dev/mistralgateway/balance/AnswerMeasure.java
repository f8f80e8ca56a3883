package dev.mistralgateway.balance;

import java.time.Duration;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.Target;

/** What an answer tells the balancer: the latency measure and the usage, as the route counts them. */
final class AnswerMeasure {

    private AnswerMeasure() {
    }

    /**
     * Milliseconds, or milliseconds per output token ({@code tpot}); {@code outputUnits} stands in
     * for the output tokens when the answer reported no usage.
     */
    static double latency(Balancing balancing, Duration elapsed, Usage usage, long outputUnits) {
        double latency = elapsed.toNanos() / 1e6;
        if (balancing.latencyStrategy() == Balancing.LatencyStrategy.TPOT) {
            latency /= Math.max(1, usage == null ? outputUnits : usage.completionTokens());
        }
        return latency;
    }

    /** Tokens (or cost) by the route's tokens_count_strategy; 0 without usage. */
    static double usage(Balancing balancing, Target target, Usage usage) {
        if (usage == null) {
            return 0;
        }
        return switch (balancing.tokensCountStrategy()) {
            case TOTAL_TOKENS -> usage.totalTokens();
            case PROMPT_TOKENS -> usage.promptTokens();
            case COMPLETION_TOKENS -> usage.completionTokens();
            case COST -> target.options().cost(usage.promptTokens(), usage.cachedTokens(), usage.completionTokens());
        };
    }
}
