package dev.mistralgateway.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.validation.SemanticSettings.Metric;

/** The pure choice of the semantic algorithm: nearest description, within the threshold, by either metric. */
class NearestTest {

    private static final Map<String, double[]> DESCRIBED = new LinkedHashMap<>();

    static {
        DESCRIBED.put("code", new double[] { 1, 0, 0 });
        DESCRIBED.put("cooking", new double[] { 0, 1, 0 });
    }

    @Test
    void theNearestDescriptionWinsByCosine() {
        assertEquals(Optional.of("code"), Nearest.description(new double[] { 0.9, 0.2, 0.1 }, DESCRIBED, Metric.COSINE,
                OptionalDouble.empty()));
        assertEquals(Optional.of("cooking"), Nearest.description(new double[] { 0.1, 3, 0 }, DESCRIBED, Metric.COSINE,
                OptionalDouble.empty()));
    }

    @Test
    void cosineIsBlindToLengthEuclideanIsNot() {
        Map<String, double[]> described = new LinkedHashMap<>();
        described.put("long", new double[] { 10, 0, 0 });
        described.put("short", new double[] { 0, 1, 0 });
        double[] prompt = { 1, 0.5, 0 };

        assertEquals(Optional.of("long"), Nearest.description(prompt, described, Metric.COSINE, OptionalDouble.empty()));
        assertEquals(Optional.of("short"), Nearest.description(prompt, described, Metric.EUCLIDEAN,
                OptionalDouble.empty()));
        assertEquals(Math.sqrt(81.25), Nearest.distance(Metric.EUCLIDEAN, prompt, described.get("long")), 1e-12);
        assertEquals(Math.sqrt(1.25), Nearest.distance(Metric.EUCLIDEAN, prompt, described.get("short")), 1e-12);
    }

    @Test
    void nothingNearerThanTheThresholdMatchesNothing() {
        double[] diagonal = { 1, 1, 0 };
        // cosine distance to both is 1 - 1/sqrt(2), about 0.293
        assertEquals(0.2929, Nearest.distance(Metric.COSINE, diagonal, DESCRIBED.get("code")), 0.0001);
        assertEquals(Optional.empty(), Nearest.description(diagonal, DESCRIBED, Metric.COSINE, OptionalDouble.of(0.29)));
        assertEquals(Optional.of("code"), Nearest.description(diagonal, DESCRIBED, Metric.COSINE,
                OptionalDouble.of(0.3)), "a tie goes to the first description");
        assertEquals(Optional.empty(), Nearest.description(new double[] { 0, 0, 7 }, DESCRIBED, Metric.EUCLIDEAN,
                OptionalDouble.of(7)), "sqrt(50) is past 7");
    }

    @Test
    void edgeCases() {
        assertEquals(Optional.empty(), Nearest.description(new double[] { 1 }, Map.of(), Metric.COSINE,
                OptionalDouble.empty()));
        assertEquals(1.0, Nearest.distance(Metric.COSINE, new double[] { 0, 0, 0 }, DESCRIBED.get("code")));
        assertEquals(2.0, Nearest.distance(Metric.COSINE, new double[] { -2, 0, 0 }, DESCRIBED.get("code")), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> Nearest.distance(Metric.COSINE, new double[] { 1, 0 }, DESCRIBED.get("code")));
    }
}
