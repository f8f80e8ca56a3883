package dev.mistralgateway.proxy;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.ModelOptions;
import dev.mistralgateway.route.NumericOption;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.template.Template;

/**
 * A target's model name, upstream URL (a preserve target's {@code upstream_path} included) and numeric
 * options with their templates resolved for one request; a target without templates is used as it is.
 * Each templated name and URL is parsed once (start-up checked it); the options' templates come parsed.
 */
final class TargetTemplates {

    private static final Map<String, Template> PARSED = new ConcurrentHashMap<>();

    private TargetTemplates() {
    }

    /** The request's headers (without the client's key), query parameters and its path's captures. */
    static Template.Values values(UnaryOperator<String> headers, Map<String, String> query,
            Map<String, String> captures) {
        return (source, name) -> switch (source) {
            case HEADERS -> headers.apply(name);
            case QUERY_PARAMS -> query.get(name);
            case URI_CAPTURES -> captures.get(name);
        };
    }

    /**
     * @throws GatewayException 400 naming a template that resolves to nothing, to what a model name
     *         or URL path may not hold, or to what is not its numeric option's number
     */
    static Target resolve(Target target, Template.Values values) {
        boolean name = target.modelName().filter(Template::in).isPresent();
        boolean url = Template.in(target.upstreamUrl().toString());
        // embeddings and preserve bodies take no sampling options (start-up names them as doing nothing)
        boolean options = !target.options().templates().isEmpty() && target.routeType() != RouteType.EMBEDDINGS
                && target.routeType() != RouteType.PRESERVE;
        if (!name && !url && !options) {
            return target;
        }
        Optional<String> modelName = name ? Optional.of(parsed(target.modelName().get()).resolve(values))
                : target.modelName();
        // the resolved parts hold only characters a URL path may hold as they are
        URI upstreamUrl = url ? URI.create(parsed(target.upstreamUrl().toString()).resolve(values)) : target.upstreamUrl();
        ModelOptions resolvedOptions = options ? resolve(target.options(), values) : target.options();
        return new Target(target.index(), target.routeType(), target.auth(), modelName, target.modelAlias(),
                target.format(), upstreamUrl, resolvedOptions, target.mistralCloud(), target.ollamaSettings(),
                target.logStatistics(), target.logPayloads(), target.weight());
    }

    /** The numeric options' templates as this request's numbers, each within its option's range. */
    private static ModelOptions resolve(ModelOptions options, Template.Values values) {
        Map<NumericOption, Double> numbers = new EnumMap<>(NumericOption.class);
        options.templates().forEach((option, template) -> {
            OptionalDouble number = option.read(template.resolveText(values));
            if (number.isEmpty()) {
                // the client's value is not echoed, as for the other templates
                throw GatewayException.badRequest("template " + template + " must resolve to " + option.range()
                        + " for model option " + option.field());
            }
            numbers.put(option, number.getAsDouble());
        });
        return options.resolved(numbers);
    }

    private static Template parsed(String value) {
        return PARSED.computeIfAbsent(value, Template::parse);
    }
}
