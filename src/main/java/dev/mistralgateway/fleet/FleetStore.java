package dev.mistralgateway.fleet;

import io.smallrye.mutiny.Uni;

/**
 * Where breakers, pauses and rate-limit windows live: this instance's memory or a Redis the fleet
 * shares, and the balancer's turns, measures and in-flight leases. Times are epoch milliseconds given by the caller, so that
 * every implementation (and every
 * test) reads one clock. {@code route} is a route's name, {@code target} its target's index.
 */
public interface FleetStore {

    /** The targets of a route, index by index ({@code targets} of them). */
    Uni<TargetView[]> read(String route, int targets);

    /**
     * Makes {@code owner} the one trial of a target whose breaker is open, until {@code until} at
     * the latest; false when another trial holds it (or the breaker closed meanwhile).
     */
    Uni<Boolean> claimTrial(String route, int target, String owner, long now, long until);

    /**
     * A failure that counts for the breaker: once {@code maxFails} of them fall within
     * {@code failTimeout} ms (Kong's and nginx's rule, not in a row), the breaker opens and the target
     * rests that long. A failed trial ({@code trialOwner} holds the trial) opens it again at once.
     */
    Uni<Void> failed(String route, int target, String trialOwner, long now, int maxFails, long failTimeout);

    /** The upstream asked for a pause (Retry-After): out for every instance until then. */
    Uni<Void> paused(String route, int target, long until);

    /**
     * The trial {@code owner} ended: {@code closes} when the target answered well (its breaker
     * closes and its failures are forgotten), otherwise the breaker stays open for the next trial.
     */
    Uni<Void> trialEnded(String route, int target, String owner, boolean closes);

    /**
     * Checks a sliding window of {@code window} ms and counts {@code amount} in it if it has room:
     * a request is refused when the window is already spent ({@code used >= limit}).
     */
    Uni<WindowCount> take(String key, long now, long window, double limit, double amount);

    /** Counts {@code amount} (tokens, cost) in a window without checking it: a request already let through. */
    Uni<Void> add(String key, long now, long window, double amount);

    /** The next slot of a route's round-robin sequence, counted for the fleet: 0, 1, 2, ... */
    Uni<Long> nextTurn(String route);

    /**
     * An answer's measures: {@code latency} (NaN: not measured) folded into the target's moving
     * average with the weight {@code smoothing}, {@code usage} added to what it served.
     */
    Uni<Void> measured(String route, int target, double latency, double smoothing, double usage);

    /** A request in flight on a target, until it is released or {@code until} has passed. */
    Uni<Void> lease(String route, int target, String lease, long now, long until);

    Uni<Void> release(String route, int target, String lease);

    /** The measures of a route's targets at {@code now}, expired leases not counted. */
    Uni<TargetMeasures[]> measures(String route, int targets, long now);
}
