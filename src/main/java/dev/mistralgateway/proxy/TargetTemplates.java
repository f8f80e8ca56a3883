package dev.mistralgateway.proxy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.mistralgateway.config.Target;
import dev.mistralgateway.template.Template;

/**
 * A target's model name and upstream URL with their templates resolved for one request; a target
 * without templates is used as it is. Each templated value is parsed once (start-up checked it).
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
     * @throws dev.mistralgateway.error.GatewayException 400 naming a template that resolves to
     *         nothing or to what a model name or URL path may not hold
     */
    static Target resolve(Target target, Template.Values values) {
        boolean name = target.modelName().filter(Template::in).isPresent();
        boolean url = Template.in(target.upstreamUrl().toString());
        if (!name && !url) {
            return target;
        }
        Optional<String> modelName = name ? Optional.of(parsed(target.modelName().get()).resolve(values))
                : target.modelName();
        // the resolved parts hold only characters a URL path may hold as they are
        URI upstreamUrl = url ? URI.create(parsed(target.upstreamUrl().toString()).resolve(values)) : target.upstreamUrl();
        return new Target(target.index(), target.routeType(), target.auth(), modelName, target.modelAlias(),
                target.format(), upstreamUrl, target.options(), target.mistralCloud(), target.ollamaSettings(),
                target.logStatistics(), target.logPayloads(), target.weight());
    }

    private static Template parsed(String value) {
        return PARSED.computeIfAbsent(value, Template::parse);
    }
}
