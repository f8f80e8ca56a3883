package dev.mistralgateway.balance;

import dev.mistralgateway.route.Target;

/**
 * What a pool's own instance measures of one target; read and written under the pool's lock only.
 * Breakers and pauses are the fleet's ({@link dev.mistralgateway.fleet.SharedState}).
 */
final class TargetState {

    final Target target;
    /** Smooth weighted round-robin's running weight (nginx's algorithm). */
    long currentWeight;
    int inFlight;
    /** The measures below are copied in from the fleet (or this instance) before each pick ({@link PickReadings}). */
    /** Moving average of the latency measure (ms, or ms per output token); 0 until measured. */
    double latency;
    boolean measured;
    /** Tokens (or cost) served so far, by the route's tokens_count_strategy. */
    double usage;

    TargetState(Target target) {
        this.target = target;
    }

    int index() {
        return target.index();
    }

    int weight() {
        return target.weight();
    }
}
