package dev.mistralgateway.balance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import dev.mistralgateway.config.Balancing;
import dev.mistralgateway.config.Route;
import dev.mistralgateway.config.Target;
import dev.mistralgateway.openai.Usage;

/**
 * A route's targets and what this function instance has seen of them: the balancing algorithm
 * picks among those that may serve now, and every attempt's outcome feeds back into the averages,
 * counters and circuit breakers. The clock is injected so tests decide what time it is.
 */
public final class TargetPool {

    /** Weight of the newest measure in the latency moving average. */
    private static final double SMOOTHING = 0.3;

    private final Balancing balancing;
    private final List<TargetState> states = new ArrayList<>();
    private final Picker picker;
    private final LongSupplier nanoTime;

    public TargetPool(Route route, LongSupplier nanoTime) {
        this.balancing = route.balancing();
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        for (Target target : route.targets()) {
            TargetState state = new TargetState(target);
            state.outUntilNanos = now;
            states.add(state);
        }
        this.picker = switch (balancing.algorithm()) {
            case ROUND_ROBIN -> new WeightedRoundRobin();
            case PRIORITY -> new Priority();
            case LOWEST_LATENCY -> LowestMeasure.latency();
            case LOWEST_USAGE -> LowestMeasure.usage();
            case LEAST_CONNECTIONS -> LowestMeasure.connections();
            case CONSISTENT_HASHING -> new ConsistentHashing(states);
        };
    }

    /**
     * The next attempt, on a target picked as {@link #pick} does; the attempt settles the pool's
     * bookkeeping once, however it ends.
     */
    public Optional<Attempt> begin(String hashKey, Set<Integer> tried) {
        return pick(hashKey, tried).map(target -> new Attempt(this, target, nanoTime));
    }

    /**
     * The target for the next attempt, among those not tried yet for this request and not out
     * (open circuit, Retry-After); empty when none is left. The pick counts as a request in flight
     * until {@link #succeeded} or {@link #failed}.
     */
    public synchronized Optional<Target> pick(String hashKey, Set<Integer> tried) {
        long now = nanoTime.getAsLong();
        List<TargetState> candidates = new ArrayList<>(states.size());
        for (TargetState state : states) {
            if (!tried.contains(state.index()) && mayServe(state, now)) {
                candidates.add(state);
            }
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        TargetState picked = picker.pick(candidates, hashKey);
        if (breakerOpen(picked)) {
            // half-open: this request is the one trial until it ends
            picked.trialInFlight = true;
        }
        picked.inFlight++;
        return Optional.of(picked.target);
    }

    private boolean mayServe(TargetState state, long now) {
        if (now - state.outUntilNanos < 0) {
            return false;
        }
        return !breakerOpen(state) || !state.trialInFlight;
    }

    private boolean breakerOpen(TargetState state) {
        return balancing.maxFails() > 0 && state.failuresInARow >= balancing.maxFails();
    }

    /**
     * The attempt on this target answered; the measures update the averages the algorithms read.
     * {@code outputUnits} counts the output when the answer reported no usage (stream events, an
     * estimate), for the time per output token.
     */
    public synchronized void succeeded(Target target, Duration elapsed, Usage usage, long outputUnits) {
        TargetState state = states.get(target.index());
        state.inFlight--;
        state.failuresInARow = 0;
        state.trialInFlight = false;
        double latency = elapsed.toNanos() / 1e6;
        if (balancing.latencyStrategy() == Balancing.LatencyStrategy.TPOT) {
            latency /= Math.max(1, usage == null ? outputUnits : usage.completionTokens());
        }
        state.latency = state.measured ? SMOOTHING * latency + (1 - SMOOTHING) * state.latency : latency;
        state.measured = true;
        if (usage != null) {
            state.usage += switch (balancing.tokensCountStrategy()) {
                case TOTAL_TOKENS -> usage.totalTokens();
                case PROMPT_TOKENS -> usage.promptTokens();
                case COMPLETION_TOKENS -> usage.completionTokens();
                case COST -> (usage.promptTokens() * target.options().inputCost().orElse(0)
                        + usage.completionTokens() * target.options().outputCost().orElse(0)) / 1_000_000;
            };
        }
    }

    /**
     * The attempt on this target failed. {@code unhealthy} failures (unreachable, timed out, 5xx)
     * count towards the circuit breaker; {@code retryAfter} keeps the target out that long (a 429).
     */
    public synchronized void failed(Target target, boolean unhealthy, Optional<Duration> retryAfter) {
        TargetState state = states.get(target.index());
        state.inFlight--;
        state.trialInFlight = false;
        long now = nanoTime.getAsLong();
        if (unhealthy) {
            state.failuresInARow++;
            if (breakerOpen(state)) {
                state.outUntilNanos = now + balancing.failTimeout().toNanos();
                state.rateLimited = false;
            }
        }
        retryAfter.ifPresent(wait -> {
            if (now + wait.toNanos() - state.outUntilNanos > 0) {
                state.outUntilNanos = now + wait.toNanos();
                state.rateLimited = true;
            }
        });
    }

    /**
     * Whether every target that is out now is out only because its upstream asked for a pause; false
     * when none is out (the targets are then held by a circuit breaker's trial in flight).
     */
    public synchronized boolean allOutAreRateLimited() {
        long now = nanoTime.getAsLong();
        List<TargetState> out = states.stream().filter(state -> now - state.outUntilNanos < 0).toList();
        return !out.isEmpty() && out.stream().allMatch(state -> state.rateLimited);
    }

    /** The attempt ended without a verdict on the target (the client left): it is no longer in flight. */
    public synchronized void released(Target target) {
        TargetState state = states.get(target.index());
        state.inFlight--;
        state.trialInFlight = false;
    }

    /** How long until some target that is out now may serve again, for a client's Retry-After. */
    public synchronized Duration untilNextAvailable() {
        long now = nanoTime.getAsLong();
        long soonest = Long.MAX_VALUE;
        for (TargetState state : states) {
            soonest = Math.min(soonest, Math.max(0, state.outUntilNanos - now));
        }
        return Duration.ofNanos(soonest == Long.MAX_VALUE ? 0 : soonest);
    }
}
