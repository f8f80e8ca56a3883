package dev.mistralgateway.route;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.validation.RouteValidation;
import io.quarkus.runtime.Startup;

/**
 * The configured routes, validated once at start-up with Kong's rules, looked up by path.
 *
 * <p>
 * A misconfigured function must fail to start rather than answer wrongly, so every problem is
 * collected and reported at once, each naming the environment variable to fix.
 */
@Startup
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class RouteTable {

    /** Mistral's cloud chat endpoint, Kong's default for the mistral provider. */
    public static final URI MISTRAL_CHAT_URL = MistralCloudHosts.CHAT_URL;
    /** Mistral's only completions endpoint: Codestral's fill-in-the-middle, which takes a prompt alone too. */
    public static final URI MISTRAL_FIM_URL = MistralCloudHosts.FIM_URL;
    public static final URI MISTRAL_EMBEDDINGS_URL = MistralCloudHosts.EMBEDDINGS_URL;

    private static final Logger LOG = Logger.getLogger(RouteTable.class);

    private final List<Route> routes;
    private final Map<String, Route> byPath;
    private final RegexPaths regexPaths;
    /** A preserve route's exact paths, longest first: each also serves the paths below it (Kong's prefix match). */
    private final List<Map.Entry<String, Route>> preservedPrefixes;
    private final Optional<String> modelsPath;

    public RouteTable(GatewayConfig config) {
        this.routes = validate(config);
        this.modelsPath = Optional.of(config.modelsPath().trim())
                .filter(path -> !path.equalsIgnoreCase(GatewayConfig.MODELS_PATH_OFF));
        Map<String, Route> paths = new HashMap<>();
        for (Route route : routes) {
            for (String path : route.paths()) {
                paths.put(path, route);
            }
        }
        // a sub-path a route's API answers itself (count_tokens) is the route's, unless configured as a path of its own
        for (Route route : routes) {
            for (String path : route.paths()) {
                route.clientApi().subPaths().forEach(sub -> paths.putIfAbsent(path + "/" + sub, route));
            }
        }
        this.byPath = Map.copyOf(paths);
        this.regexPaths = new RegexPaths(routes);
        this.preservedPrefixes = routes.stream().filter(Route::preserves)
                .flatMap(route -> route.paths().stream().filter(path -> !RegexPaths.isRegex(path))
                        .map(path -> Map.entry(path, route)))
                .sorted((a, b) -> b.getKey().length() - a.getKey().length())
                .toList();
        for (Route route : routes) {
            for (Target target : route.targets()) {
                LOG.infof("route '%s' %s target %d -> %s%s %s (%s format, model %s, weight %d)", route.name(),
                        route.paths(), target.index(), target.routeType(),
                        route.clientApi() == ClientApiKind.OPENAI ? "" : " for " + route.clientApi() + " clients",
                        target.upstreamUrl(), target.format().id(),
                        target.modelName().orElse("from the request"), target.weight());
            }
            if (route.targets().size() > 1) {
                LOG.infof("route '%s' balances with %s, %d retries on %s", route.name(),
                        route.balancing().algorithm().id(), route.balancing().retries(),
                        route.balancing().failoverCriteria());
            }
        }
    }

    public Optional<Route> forPath(String path) {
        Route exact = byPath.get(path);
        if (exact != null) {
            return Optional.of(exact);
        }
        Optional<Route> regex = regexPaths.match(path);
        if (regex.isPresent()) {
            return regex;
        }
        for (Map.Entry<String, Route> prefix : preservedPrefixes) {
            if (below(prefix.getKey(), path)) {
                return Optional.of(prefix.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * The part of the request path below the route path it matched, for a preserve route that
     * passes it on: empty for the path itself, {@code /abc/content} for {@code /v1/files/abc/content}
     * on the route path {@code /v1/files}, what follows a regex path's match (nothing after a {@code $}).
     */
    public String below(Route route, String path) {
        if (route.paths().contains(path)) {
            return "";
        }
        int end = regexPaths.end(route, path);
        if (end >= 0) {
            return path.substring(end);
        }
        for (Map.Entry<String, Route> prefix : preservedPrefixes) {
            if (prefix.getValue() == route && below(prefix.getKey(), path)) {
                return path.substring(prefix.getKey().endsWith("/") ? prefix.getKey().length() - 1
                        : prefix.getKey().length());
            }
        }
        return "";
    }

    private static boolean below(String prefix, String path) {
        return path.startsWith(prefix) && path.length() > prefix.length()
                && (prefix.endsWith("/") || path.charAt(prefix.length()) == '/');
    }

    /** Whether the path is one the route serves itself (not a sub-path its client API answers). */
    public boolean serves(Route route, String path) {
        return route.paths().contains(path) || regexPaths.matches(route, path);
    }

    /** The named groups of the route's regex path in this request path: its {@code uri_captures}. */
    public Map<String, String> captures(Route route, String path) {
        return regexPaths.captures(route, path);
    }

    /** Turns the raw tree into routes, or throws one exception listing every problem found. */
    public static List<Route> validate(GatewayConfig config) {
        return RouteValidation.validate(config);
    }

    public List<Route> routes() {
        return routes;
    }

    /** Where {@code GET} lists the models the routes serve; empty when the list is turned off. */
    public Optional<String> modelsPath() {
        return modelsPath;
    }

}
