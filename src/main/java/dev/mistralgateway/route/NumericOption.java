package dev.mistralgateway.route;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * A model option that sets a number in the upstream's body, with the range start-up checks a literal
 * against and a template's value is checked against per request: one table, so the two never differ.
 */
public enum NumericOption {
    MAX_TOKENS("max_tokens", "max-tokens", 1, Integer.MAX_VALUE, true),
    TEMPERATURE("temperature", "temperature", 0, 5, false),
    TOP_P("top_p", "top-p", 0, 1, false),
    TOP_K("top_k", "top-k", 0, 500, true);

    /** A JSON number, as a client would write one: no hex, no {@code NaN}, no Java suffixes. */
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern WHOLE = Pattern.compile("-?(0|[1-9][0-9]{0,9})");

    private final String field;
    private final String property;
    private final double min;
    private final double max;
    private final boolean whole;

    NumericOption(String field, String property, double min, double max, boolean whole) {
        this.field = field;
        this.property = property;
        this.min = min;
        this.max = max;
        this.whole = whole;
    }

    /** Kong's name of the option ({@code model.options.max_tokens}), the body field it sets. */
    public String field() {
        return field;
    }

    /** The option's property under a target's {@code model.options.}. */
    public String property() {
        return property;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    boolean whole() {
        return whole;
    }

    /** What the option takes, in words: "a whole number of at least 1", "a number between 0 and 5". */
    public String range() {
        String kind = whole ? "a whole number" : "a number";
        String from = whole ? String.valueOf((int) min) : String.valueOf(min);
        String to = whole ? String.valueOf((int) max) : String.valueOf(max);
        return kind + (max == Integer.MAX_VALUE ? " of at least " + from : " between " + from + " and " + to);
    }

    /** A template's value for one request as the option's number, or empty when it is none or out of range. */
    public OptionalDouble read(String value) {
        if (!(whole ? WHOLE : NUMBER).matcher(value).matches()) {
            return OptionalDouble.empty();
        }
        // + 0.0 makes -0 the 0 it means, not -0.0 in the upstream's body
        double number = Double.parseDouble(value) + 0.0;
        return number >= min && number <= max ? OptionalDouble.of(number) : OptionalDouble.empty();
    }
}
