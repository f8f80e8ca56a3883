package dev.mistralgateway.semantic;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import dev.mistralgateway.validation.SemanticSettings.Metric;

/**
 * The pure choice of the {@code semantic} algorithm: the description nearest to the prompt, when
 * it is within the threshold. A route has a handful of descriptions, so every one is measured;
 * no index is needed.
 */
public final class Nearest {

    private Nearest() {
    }

    /**
     * @param described each description's vector, in the order ties are settled (the first wins)
     * @param threshold the greatest distance that still matches; empty: the nearest always matches
     * @return the matching description, or empty when none is near enough (or none is given)
     */
    public static Optional<String> description(double[] prompt, Map<String, double[]> described, Metric metric,
            OptionalDouble threshold) {
        String best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, double[]> entry : described.entrySet()) {
            double distance = distance(metric, prompt, entry.getValue());
            if (distance < bestDistance) {
                best = entry.getKey();
                bestDistance = distance;
            }
        }
        if (best == null || threshold.isPresent() && bestDistance > threshold.getAsDouble()) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /**
     * Cosine: 1 − cos(angle), 0 for the same direction, 2 for opposite ones, 1 when either vector is
     * all zeros (it has no direction). Euclidean: the straight-line distance.
     *
     * @throws IllegalArgumentException when the vectors' lengths differ
     */
    public static double distance(Metric metric, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double aa = 0;
        double bb = 0;
        double squares = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
            squares += (a[i] - b[i]) * (a[i] - b[i]);
        }
        if (metric == Metric.EUCLIDEAN) {
            return Math.sqrt(squares);
        }
        if (aa == 0 || bb == 0) {
            return 1;
        }
        return 1 - dot / (Math.sqrt(aa) * Math.sqrt(bb));
    }
}
