package dev.mistralgateway.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The rules of a configuration value, in Kong's schema vocabulary ({@code one_of}, {@code between},
 * at least), each adding its problem, worded to name what to set, to the start-up's {@link Problems}.
 */
final class Rules {

    private Rules() {
    }

    static <E extends Enum<E>> E oneOf(Class<E> type, String value, String property, Problems problems) {
        return oneOf(type, constant -> constant.name().toLowerCase(Locale.ROOT), value, property, problems);
    }

    /** The constant spelled {@code value} (case aside), or null with a problem that lists the spellings. */
    static <E extends Enum<E>> E oneOf(Class<E> type, Function<E, String> spelling,
            String value, String property, Problems problems) {
        for (E constant : type.getEnumConstants()) {
            if (spelling.apply(constant).equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(spelling.apply(constant));
        }
        problems.add(property, "'" + value + "' is not one of " + String.join(", ", allowed));
        return null;
    }

    static Duration timeout(int millis, String property, Problems problems) {
        if (millis < 1) {
            problems.add(property, "must be at least 1 (milliseconds), not " + millis);
        }
        return Duration.ofMillis(Math.max(1, millis));
    }

    static OptionalInt atLeast(OptionalInt value, int min, String property, Problems problems) {
        if (value.isPresent() && value.getAsInt() < min) {
            problems.add(property, "must be at least " + min + ", not " + value.getAsInt());
        }
        return value;
    }

    static OptionalInt between(OptionalInt value, int min, int max, String property, Problems problems) {
        if (value.isPresent() && (value.getAsInt() < min || value.getAsInt() > max)) {
            problems.add(property, "must be between " + min + " and " + max + ", not " + value.getAsInt());
        }
        return value;
    }

    static OptionalDouble between(OptionalDouble value, double min, double max, String property,
            Problems problems) {
        if (value.isPresent() && !(value.getAsDouble() >= min && value.getAsDouble() <= max)) {
            String range = max == Double.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
            problems.add(property, "must be " + range + ", not " + value.getAsDouble());
        }
        return value;
    }

}
