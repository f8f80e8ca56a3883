package dev.mistralgateway.balance;

import java.util.List;

/**
 * Smooth weighted round-robin (nginx's): exact shares over every cycle of the weights, spread out
 * rather than in bursts (weights 5,1,1 give a,a,b,a,c,a,a rather than a,a,a,a,a,b,c). Also the
 * tie-breaker of the other algorithms.
 */
final class WeightedRoundRobin implements Picker {

    @Override
    public TargetState pick(List<TargetState> candidates, String hashKey) {
        long total = 0;
        TargetState best = null;
        for (TargetState candidate : candidates) {
            candidate.currentWeight += candidate.weight();
            total += candidate.weight();
            if (best == null || candidate.currentWeight > best.currentWeight) {
                best = candidate;
            }
        }
        best.currentWeight -= total;
        return best;
    }
}
