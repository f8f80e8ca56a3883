package dev.mistralgateway.config;

import java.util.Optional;

import dev.mistralgateway.template.Template;

/** A configured value's templates checked at start-up, so a misspelt one is a start-up error, not a 400. */
final class TemplateCheck {

    private TemplateCheck() {
    }

    static Optional<String> problem(String value) {
        if (!Template.in(value)) {
            return Optional.empty();
        }
        try {
            Template.parse(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
