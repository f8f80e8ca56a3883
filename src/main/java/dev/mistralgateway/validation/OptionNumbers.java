package dev.mistralgateway.validation;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import dev.mistralgateway.route.NumericOption;
import dev.mistralgateway.template.Template;

/**
 * A target's numeric model options as configured. A literal number is checked at start-up against its
 * option's range; a template ({@code $(headers.x-max-tokens)}) is checked at start-up as a template and
 * its value per request ({@link NumericOption#read}). The costs take literals only: a price a client
 * could choose would be no price.
 */
final class OptionNumbers {

    private final String at;
    private final Problems problems;
    private final Map<NumericOption, Template> templates = new EnumMap<>(NumericOption.class);

    /** @param at the target's property prefix, e.g. {@code ai-proxy.routes[0].targets[1].} */
    OptionNumbers(String at, Problems problems) {
        this.at = at;
        this.problems = problems;
    }

    /** The templated options read so far. */
    Map<NumericOption, Template> templates() {
        return templates;
    }

    OptionalInt whole(Optional<String> configured, NumericOption option) {
        String property = at + "model.options." + option.property();
        Optional<String> value = literal(configured, option, property);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        OptionalInt number;
        try {
            number = OptionalInt.of(Integer.parseInt(value.get()));
        } catch (NumberFormatException notWhole) {
            problems.add(property, notANumber(option, value.get()));
            return OptionalInt.empty();
        }
        return option.max() == Integer.MAX_VALUE ? Rules.atLeast(number, (int) option.min(), property, problems)
                : Rules.between(number, (int) option.min(), (int) option.max(), property, problems);
    }

    OptionalDouble number(Optional<String> configured, NumericOption option) {
        String property = at + "model.options." + option.property();
        Optional<String> value = literal(configured, option, property);
        if (value.isEmpty()) {
            return OptionalDouble.empty();
        }
        OptionalDouble number = parsed(value.get());
        if (number.isEmpty()) {
            problems.add(property, notANumber(option, value.get()));
            return number;
        }
        return Rules.between(number, option.min(), option.max(), property, problems);
    }

    /** A cost per million tokens: at least 0, and never a template. */
    OptionalDouble cost(Optional<String> configured, String option) {
        String property = at + "model.options." + option;
        Optional<String> value = configured.map(String::trim).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (Template.in(value.get())) {
            problems.add(property, "takes no template: a cost is the price you pay, which a client may not choose; "
                    + "set a number");
            return OptionalDouble.empty();
        }
        OptionalDouble number = parsed(value.get());
        if (number.isEmpty()) {
            problems.add(property, "must be a number, not '" + value.get() + "'");
            return number;
        }
        return Rules.between(number, 0, Double.MAX_VALUE, property, problems);
    }

    /** The literal value, or empty when there is none or it is a template (then checked and kept). */
    private Optional<String> literal(Optional<String> configured, NumericOption option, String property) {
        Optional<String> value = configured.map(String::trim).filter(v -> !v.isEmpty());
        if (value.isEmpty() || !Template.in(value.get())) {
            return value;
        }
        TemplateCheck.problem(value.get()).ifPresentOrElse(problem -> problems.add(property, problem),
                () -> templates.put(option, Template.parse(value.get())));
        return Optional.empty();
    }

    private static OptionalDouble parsed(String value) {
        try {
            return OptionalDouble.of(Double.parseDouble(value));
        } catch (NumberFormatException notANumber) {
            return OptionalDouble.empty();
        }
    }

    private static String notANumber(NumericOption option, String value) {
        return "must be " + option.range() + " or a template such as $(headers.x-" + option.property() + "), not '"
                + value + "'";
    }
}
