package dev.mistralgateway.balance;

import java.time.Duration;
import java.util.List;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.fleet.SharedMeasures;
import dev.mistralgateway.fleet.SharedMeasures.Lease;
import dev.mistralgateway.fleet.TargetMeasures;
import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.Balancing.Algorithm;
import dev.mistralgateway.route.Target;
import io.smallrye.mutiny.Uni;

/**
 * What a route's algorithm reads of the fleet before it picks, and writes back: round-robin takes
 * a turn of the shared sequence; {@code lowest-latency} and {@code lowest-usage} read the measures
 * the answers feed; {@code least-connections} reads the leases in flight and takes one per attempt.
 * The other algorithms read nothing of the fleet. Only what the algorithm reads is written.
 */
final class PickReadings {

    /** What one pick read: the turn (round-robin) or the targets' measures (null when not read). */
    record Readings(long turn, TargetMeasures[] measures) {

        static final Readings NONE = new Readings(0, null);

        /** Copies the measures into the states the pickers compare; called under the pool's lock. */
        void applyTo(List<TargetState> states) {
            if (measures == null) {
                return;
            }
            for (TargetState state : states) {
                TargetMeasures measure = measures[state.index()];
                state.latency = measure.latency();
                state.measured = measure.measured();
                state.usage = measure.usage();
                state.inFlight = measure.inFlight();
            }
        }
    }

    /** Weight of the newest measure in the latency moving average. */
    private static final double SMOOTHING = 0.3;

    private final Balancing balancing;
    private final SharedMeasures measures;
    private final String key;
    private final int targets;

    PickReadings(Balancing balancing, SharedMeasures measures, String key, int targets) {
        this.balancing = balancing;
        this.measures = measures;
        this.key = key;
        this.targets = targets;
    }

    Uni<Readings> read() {
        return switch (balancing.algorithm()) {
            case ROUND_ROBIN -> measures.nextTurn(key).map(turn -> new Readings(turn, null));
            case LOWEST_LATENCY, LOWEST_USAGE, LEAST_CONNECTIONS ->
                measures.measures(key, targets).map(read -> new Readings(0, read));
            default -> Uni.createFrom().item(Readings.NONE);
        };
    }

    /** A lease on the target for {@code least-connections} (null for the others), held {@code hold} ms at most. */
    Lease lease(int target, long now, long hold) {
        return balancing.algorithm() == Algorithm.LEAST_CONNECTIONS ? measures.lease(key, target, now + hold) : null;
    }

    /** The attempt ended: its lease goes. */
    Uni<Void> ended(Lease lease) {
        return lease == null ? Uni.createFrom().voidItem() : measures.release(lease);
    }

    /** The attempt answered: its lease goes, and its measure counts when the algorithm reads it. */
    Uni<Void> answered(Lease lease, Target target, Duration elapsed, Usage usage, long outputUnits) {
        Uni<Void> ended = ended(lease);
        return switch (balancing.algorithm()) {
            case LOWEST_LATENCY -> both(ended, measures.measured(key, target.index(),
                    AnswerMeasure.latency(balancing, elapsed, usage, outputUnits), SMOOTHING, 0));
            case LOWEST_USAGE -> {
                double used = AnswerMeasure.usage(balancing, target, usage);
                yield used == 0 ? ended : both(ended, measures.measured(key, target.index(), Double.NaN, SMOOTHING, used));
            }
            default -> ended;
        };
    }

    /**
     * Two writes side by side, each begun already (in this instance's state: {@link
     * dev.mistralgateway.fleet.LocalStore} writes when called); done when both are.
     */
    static Uni<Void> both(Uni<Void> first, Uni<Void> second) {
        return Uni.combine().all().unis(first, second).discardItems();
    }
}
