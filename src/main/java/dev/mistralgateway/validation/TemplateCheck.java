package dev.mistralgateway.validation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mistralgateway.route.RegexPaths;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.template.Template;

/** A configured value's templates checked at start-up, so a misspelt one is a start-up error, not a 400. */
final class TemplateCheck {

    private TemplateCheck() {
    }

    /**
     * Each {@code $(uri_captures.x)} of the target that none of the route's regex paths captures: it could
     * only ever resolve to nothing, so it is a start-up error rather than every request's 400.
     *
     * @param at the target's property prefix, e.g. {@code ai-proxy.routes[0].targets[1].}
     */
    static void uncaptured(List<String> paths, Target target, String at, Problems problems) {
        Map<String, Template> templated = new LinkedHashMap<>();
        target.modelName().filter(Template::in).ifPresent(name -> templated.put("model.name", Template.parse(name)));
        if (target.upstreamUrl() != null && Template.in(target.upstreamUrl().toString())) {
            // a preserve target's URL path is usually its upstream_path
            boolean path = target.routeType() == RouteType.PRESERVE && Template.in(target.upstreamUrl().getRawPath());
            templated.put(path ? "model.options.upstream-path" : "model.options.upstream-url",
                    Template.parse(target.upstreamUrl().toString()));
        }
        target.options().templates()
                .forEach((option, template) -> templated.put("model.options." + option.property(), template));
        templated.forEach((property, template) -> {
            for (String name : template.names(Template.Source.URI_CAPTURES)) {
                if (paths.stream().noneMatch(path -> RegexPaths.isRegex(path) && path.contains("(?<" + name + ">"))) {
                    problems.add(at + property, "$(uri_captures." + name + ") needs a regex path of the route that "
                            + "captures " + name + ", e.g. ~/models/(?<" + name + ">[a-z0-9-]+)/chat$");
                }
            }
        });
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
