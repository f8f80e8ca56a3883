package dev.mistralgateway.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sticky targets by the value of a request header, on a hash ring: each target holds points in
 * proportion to its weight, and a key goes to the first point clockwise from its hash whose
 * target can serve. Adding or removing a target moves only the keys of its own points (a hash
 * ring, not a modulo). Requests without the header go round-robin.
 */
final class ConsistentHashing implements Picker {

    /** Points per 100 of weight: enough for an even spread over a handful of targets. */
    private static final int POINTS_PER_100 = 160;

    private final long[] points;
    private final int[] owners;
    private final WeightedRoundRobin withoutKey = new WeightedRoundRobin();

    ConsistentHashing(List<TargetState> all) {
        int count = all.stream().mapToInt(ConsistentHashing::pointsOf).sum();
        long[][] ring = new long[count][];
        int next = 0;
        Map<String, Integer> seen = new HashMap<>();
        for (TargetState state : all) {
            // a point's place depends on what the target is, not on its position in the list, so
            // that removing one target leaves the others' points where they were
            String identity = state.target.upstreamUrl() + "|" + state.target.modelName().orElse("");
            identity += "|" + seen.merge(identity, 1, Integer::sum);
            for (int point = 0; point < pointsOf(state); point++) {
                ring[next++] = new long[] { hash(identity + "#" + point), state.index() };
            }
        }
        Arrays.sort(ring, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        points = new long[count];
        owners = new int[count];
        for (int i = 0; i < count; i++) {
            points[i] = ring[i][0];
            owners[i] = (int) ring[i][1];
        }
    }

    private static int pointsOf(TargetState state) {
        return Math.max(1, state.weight() * POINTS_PER_100 / 100);
    }

    @Override
    public TargetState pick(List<TargetState> candidates, String hashKey) {
        if (hashKey == null || hashKey.isEmpty()) {
            return withoutKey.pick(candidates, null);
        }
        int start = firstPointFrom(hash(hashKey));
        for (int step = 0; step < points.length; step++) {
            int owner = owners[(start + step) % points.length];
            for (TargetState candidate : candidates) {
                if (candidate.index() == owner) {
                    return candidate;
                }
            }
        }
        return candidates.get(0);
    }

    private int firstPointFrom(long hash) {
        int low = 0;
        int high = points.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (Long.compareUnsigned(points[middle], hash) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low == points.length ? 0 : low;
    }

    /** FNV-1a over UTF-8, then MurmurHash3's finaliser to spread nearby keys over the whole ring. */
    static long hash(String key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
