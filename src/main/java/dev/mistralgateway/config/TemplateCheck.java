package dev.mistralgateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.mistralgateway.template.Template;

/** A configured value's templates checked at start-up, so a misspelt one is a start-up error, not a 400. */
final class TemplateCheck {

    private TemplateCheck() {
    }

    /**
     * A {@code $(uri_captures.x)} of the target that none of the route's regex paths captures: it could
     * only ever resolve to nothing, so it is a start-up error rather than every request's 400.
     */
    static Optional<String> uncaptured(List<String> paths, Target target) {
        List<String> values = new ArrayList<>();
        target.modelName().filter(Template::in).ifPresent(values::add);
        if (target.upstreamUrl() != null && Template.in(target.upstreamUrl().toString())) {
            values.add(target.upstreamUrl().toString());
        }
        for (String value : values) {
            for (String name : Template.parse(value).names(Template.Source.URI_CAPTURES)) {
                if (paths.stream().noneMatch(path -> RegexPaths.isRegex(path) && path.contains("(?<" + name + ">"))) {
                    return Optional.of("$(uri_captures." + name + ") needs a regex path of the route that captures "
                            + name + ", e.g. ~/models/(?<" + name + ">[a-z0-9-]+)/chat$");
                }
            }
        }
        return Optional.empty();
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
