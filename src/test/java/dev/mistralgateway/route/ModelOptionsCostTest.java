package dev.mistralgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An answer's cost from its target's costs per million tokens, cached prompt tokens at cache_read_cost: a row per case. */
class ModelOptionsCostTest {

    private static OptionalDouble cost(String value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(value));
    }

    @ParameterizedTest(name = "{0} prompt ({1} cached), {2} completion at {3}/{4}/{5}: {6}")
    @CsvSource({
            "1000, 800, 10, 1.0, 3.0, 0.1, 0.00031",
            "1000,   0, 10, 1.0, 3.0, 0.1, 0.00103",
            "1000, 800, 10, 1.0, 3.0,    , 0.00103",
            "1000, 800, 10,    , 3.0, 0.1, 0.00011",
            "1000,2000,  0, 1.0,    , 0.1, 0.0001",
            "   0,   0,  0, 1.0, 3.0, 0.1, 0" })
    void cachedTokensCostTheCacheReadCostWhenSet(long prompt, long cached, long completion, String input,
            String output, String cacheRead, double expected) {
        ModelOptions options = new ModelOptions(OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), cost(input), cost(output), false, cost(cacheRead), Map.of());
        assertEquals(expected, options.cost(prompt, cached, completion), 1e-15);
    }
}
