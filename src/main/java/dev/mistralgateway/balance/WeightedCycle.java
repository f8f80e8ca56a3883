package dev.mistralgateway.balance;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Round-robin on a sequence the fleet counts: one cycle of smooth weighted round-robin over all the
 * route's targets (nginx's order, weights 5,1,1 give a,a,b,a,c,a,a), laid out once, and each pick
 * takes the slot of its turn. Since the turn comes from one counter for every instance, the weights
 * hold exactly however the requests spread over the instances. A slot whose target may not serve
 * now (out, or tried already by this request) passes to the next slot that may.
 */
final class WeightedCycle {

    private final int[] slots;

    WeightedCycle(List<TargetState> all) {
        // weights 100,100 are the cycle 1,1: the same order, a shorter cycle
        int divisor = 0;
        for (TargetState state : all) {
            divisor = BigInteger.valueOf(divisor).gcd(BigInteger.valueOf(state.weight())).intValue();
        }
        long[] weights = new long[all.size()];
        long total = 0;
        for (int i = 0; i < all.size(); i++) {
            weights[i] = all.get(i).weight() / Math.max(1, divisor);
            total += weights[i];
        }
        List<Integer> order = new ArrayList<>();
        long[] current = new long[all.size()];
        for (long slot = 0; slot < total; slot++) {
            int best = -1;
            for (int i = 0; i < all.size(); i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order.add(all.get(best).index());
        }
        slots = order.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The candidate on the turn's slot, or on the first slot after it that a candidate holds. */
    TargetState pick(List<TargetState> candidates, long turn) {
        int start = (int) Math.floorMod(turn, (long) slots.length);
        for (int step = 0; step < slots.length; step++) {
            int owner = slots[(start + step) % slots.length];
            for (TargetState candidate : candidates) {
                if (candidate.index() == owner) {
                    return candidate;
                }
            }
        }
        return candidates.get(0);
    }

    /** The cycle's length, for tests. */
    int length() {
        return slots.length;
    }
}
