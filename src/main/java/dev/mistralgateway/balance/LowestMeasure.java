package dev.mistralgateway.balance;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The target with the lowest value of a measure: latency ({@code lowest-latency}), tokens served
 * per unit of weight ({@code lowest-usage}) or requests in flight per unit of weight
 * ({@code least-connections}). Ties go round-robin, so equal targets share the load.
 */
final class LowestMeasure implements Picker {

    private final ToDoubleFunction<TargetState> measure;
    private final WeightedRoundRobin tieBreaker = new WeightedRoundRobin();

    private LowestMeasure(ToDoubleFunction<TargetState> measure) {
        this.measure = measure;
    }

    /** Unmeasured targets count as fastest, so that each gets measured. */
    static LowestMeasure latency() {
        return new LowestMeasure(state -> state.measured ? state.latency : 0);
    }

    static LowestMeasure usage() {
        return new LowestMeasure(state -> state.usage / state.weight());
    }

    static LowestMeasure connections() {
        return new LowestMeasure(state -> (double) state.inFlight / state.weight());
    }

    @Override
    public TargetState pick(List<TargetState> candidates, String hashKey) {
        double lowest = candidates.stream().mapToDouble(measure).min().orElseThrow();
        return tieBreaker.pick(candidates.stream().filter(c -> measure.applyAsDouble(c) == lowest).toList(), hashKey);
    }
}
