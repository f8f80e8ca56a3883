package dev.mistralgateway.fleet;

/**
 * What the fleet knows of one target, at the time it was read (epoch milliseconds).
 *
 * @param outUntil the target serves no request before this time (a breaker's rest, a Retry-After)
 * @param open its breaker is open: once {@code outUntil} has passed it takes one trial for the fleet
 * @param paused it is out because its upstream asked for a pause, not because it failed
 * @param trialUntil a trial holds the target until this time (or until it ends)
 */
public record TargetView(long outUntil, boolean open, boolean paused, long trialUntil) {

    /** A target nobody has seen fail. */
    public static final TargetView FREE = new TargetView(Long.MIN_VALUE, false, false, Long.MIN_VALUE);

    /** Whether the target may take a request at {@code now}, as a trial when its breaker is open. */
    public boolean mayServe(long now) {
        return outUntil <= now && (!open || trialUntil <= now);
    }

    public boolean isOut(long now) {
        return outUntil > now;
    }
}
