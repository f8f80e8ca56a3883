package dev.mistralgateway.validation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.mistralgateway.config.OptionsConfig;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.RouteType;

/**
 * The start-up rules of Kong's {@code preserve} route type: where a target's requests go, and which
 * settings cannot apply to a body that goes through unread.
 *
 * <p>
 * The upstream is {@code model.options.upstream_url} (Mistral's cloud, {@code https://api.mistral.ai},
 * when unset) with its path replaced by {@code model.options.upstream_path} (Kong: "override the AI
 * operation path, used when e.g. using the 'preserve' route_type"). With neither a path nor
 * {@code upstream_path}, the path the client called goes to the upstream host as it came.
 */
public final class PreserveTargets {

    /** Mistral's cloud API, without a path: the operation is the client's or {@code upstream_path}'s. */
    public static final URI MISTRAL_API = URI.create("https://api.mistral.ai");

    /** A target's upstream, or the problem with its settings (then {@code url} is null). */
    record Upstream(URI url, String property, String problem) {
    }

    private PreserveTargets() {
    }

    /** @param at the target's property prefix, e.g. {@code ai-proxy.routes[0].targets[1].} */
    static Upstream upstream(OptionsConfig options, String at) {
        URI base = MISTRAL_API;
        if (options.upstreamUrl().isPresent()) {
            String value = options.upstreamUrl().get().trim();
            base = absolute(value);
            if (base == null) {
                return new Upstream(null, at + "model.options.upstream-url",
                        "'" + value + "' is not an absolute http:// or https:// URL");
            }
        }
        Optional<String> path = options.upstreamPath().map(String::trim).filter(p -> !p.isEmpty());
        if (path.isEmpty()) {
            return new Upstream(base, null, null);
        }
        String value = path.get();
        if (!value.startsWith("/") || value.contains("?") || value.contains("#") || value.contains("..")
                || absolute("http://host" + value) == null) {
            return new Upstream(null, at + "model.options.upstream-path", "'" + value + "' is not a URL path: "
                    + "start it with /, e.g. /v1/ocr (no query, no ..)");
        }
        return new Upstream(URI.create(base.getScheme() + "://" + base.getRawAuthority() + value), null, null);
    }

    /** Whether the target's URL names no operation, so that the client's path is used. */
    public static boolean takesClientPath(URI upstream) {
        return upstream.getRawPath() == null || upstream.getRawPath().isEmpty() || upstream.getRawPath().equals("/");
    }

    /**
     * What a route of preserve targets cannot have, or null: targets of another type beside them (a
     * body cannot be both passed through and translated), or a client API other than OpenAI's.
     */
    static String mixed(List<Optional<String>> routeTypes, ClientApiKind clientApi) {
        long preserve = routeTypes.stream().filter(type -> type.map(String::trim)
                .filter(RouteType.PRESERVE.id()::equals).isPresent()).count();
        if (preserve == 0) {
            return null;
        }
        if (preserve < routeTypes.size()) {
            return "preserve passes bodies through unread: every target of the route must be preserve, or none";
        }
        return clientApi == null || clientApi == ClientApiKind.OPENAI ? null
                : "a preserve route passes Mistral's API through: leave llm_format unset (openai)";
    }

    /** Options that shape a translated body; on a body passed through unread they would silently do nothing. */
    static List<String> ignoredOptions(OptionsConfig options) {
        List<String> set = new ArrayList<>();
        if (options.maxTokens().isPresent()) {
            set.add("max-tokens");
        }
        if (options.temperature().isPresent()) {
            set.add("temperature");
        }
        if (options.topP().isPresent()) {
            set.add("top-p");
        }
        if (options.topK().isPresent()) {
            set.add("top-k");
        }
        return set;
    }

    private static URI absolute(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
