package dev.mistralgateway.balance;

import java.util.List;

/**
 * The targets of the highest weight form the first group; the next group serves only when every
 * target of the groups above it is out (tried and failed, or open-circuited). Inside a group,
 * round-robin.
 */
final class Priority implements Picker {

    private final WeightedRoundRobin inGroup = new WeightedRoundRobin();

    @Override
    public TargetState pick(List<TargetState> candidates, String hashKey) {
        int top = candidates.stream().mapToInt(TargetState::weight).max().orElseThrow();
        return inGroup.pick(candidates.stream().filter(c -> c.weight() == top).toList(), hashKey);
    }
}
