package dev.mistralgateway.fleet;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link LocalStore}'s half for the balancer: round-robin turns, measures and in-flight leases in
 * this instance's memory. A lease never released (its request's end was lost) still expires, as in
 * Redis, so it cannot hold its target for ever.
 */
final class LocalMeasures {

    private static final class Figures {
        double latency;
        boolean measured;
        double usage;
        /** Lease id to the time it expires (epoch ms). */
        final Map<String, Long> leases = new HashMap<>();
    }

    private final Map<String, Long> turns = new HashMap<>();
    private final Map<String, Figures> figures = new HashMap<>();

    private Figures of(String route, int target) {
        return figures.computeIfAbsent(route + '\u0000' + target, key -> new Figures());
    }

    synchronized long nextTurn(String route) {
        return turns.merge(route, 1L, Long::sum) - 1;
    }

    synchronized void measured(String route, int target, double latency, double smoothing, double usage) {
        Figures at = of(route, target);
        if (!Double.isNaN(latency)) {
            at.latency = at.measured ? smoothing * latency + (1 - smoothing) * at.latency : latency;
            at.measured = true;
        }
        at.usage += usage;
    }

    synchronized void lease(String route, int target, String lease, long until) {
        of(route, target).leases.put(lease, until);
    }

    synchronized void release(String route, int target, String lease) {
        of(route, target).leases.remove(lease);
    }

    synchronized TargetMeasures[] measures(String route, int targets, long now) {
        TargetMeasures[] measures = new TargetMeasures[targets];
        for (int target = 0; target < targets; target++) {
            Figures at = figures.get(route + '\u0000' + target);
            if (at == null) {
                measures[target] = TargetMeasures.NONE;
                continue;
            }
            at.leases.values().removeIf(until -> until <= now);
            measures[target] = new TargetMeasures(at.latency, at.measured, at.usage, at.leases.size());
        }
        return measures;
    }

    /** This instance's own leases in flight, target by target. */
    synchronized int[] inFlight(String route, int targets, long now) {
        int[] counts = new int[targets];
        for (int target = 0; target < targets; target++) {
            Figures at = figures.get(route + '\u0000' + target);
            if (at != null) {
                at.leases.values().removeIf(until -> until <= now);
                counts[target] = at.leases.size();
            }
        }
        return counts;
    }
}
