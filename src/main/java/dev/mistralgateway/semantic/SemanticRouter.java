package dev.mistralgateway.semantic;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.balance.ModelRouting;
import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.observe.SemanticRouting;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.security.AwsSecrets;
import dev.mistralgateway.upstream.UpstreamClient;
import dev.mistralgateway.validation.SemanticSettings;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The {@code semantic} algorithm of Kong's AI Proxy Advanced. At start-up each semantic route's
 * descriptions are embedded once, in the background (start-up never waits; while the embeddings
 * upstream cannot be reached the call is retried with a growing pause); the vectors stay in memory,
 * since a route has a handful of targets. Each request's prompt is then embedded and the targets of
 * the nearest description within the threshold serve it, among them by weighted round-robin with
 * failover; the others are passed over. Prompts no description matches, and every prompt while the
 * descriptions are not embedded yet or when the prompt's embedding fails, go to the CATCHALL targets
 * (or, on a route without any, to all its targets).
 */
@Startup
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class SemanticRouter {

    private static final Logger LOG = Logger.getLogger(SemanticRouter.class);

    /** The first pause before embedding the descriptions again, and the longest. */
    static final Duration FIRST_RETRY = Duration.ofMillis(500);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    /** Which targets a request may go to, and how that was decided, for its report. */
    public record Pick(Set<Integer> notServing, SemanticRouting report) {
    }

    /** A semantic route, and its descriptions' vectors once embedded (null until then). */
    private static final class Described {
        final Route route;
        final SemanticSettings settings;
        /** The distinct descriptions but CATCHALL, in the targets' order. */
        final List<String> descriptions;
        volatile Map<String, double[]> vectors;

        Described(Route route, SemanticSettings settings) {
            this.route = route;
            this.settings = settings;
            this.descriptions = settings.descriptions().stream().distinct()
                    .filter(description -> !description.equals(SemanticSettings.CATCHALL)).toList();
        }
    }

    private final Map<Integer, Described> routes = new HashMap<>();
    private final Embedder embedder;
    private final List<Cancellable> startups = new ArrayList<>();

    public SemanticRouter(RouteTable table, GatewayConfig config, ObjectMapper mapper, UpstreamClient upstream,
            AwsSecrets secrets) {
        this.embedder = new Embedder(mapper, new Formats(mapper, Clock.systemUTC()), upstream, secrets);
        for (Route route : table.routes()) {
            SemanticSettings.of(config, route).ifPresent(settings -> {
                secrets.resolve(settings.embeddings().auth());
                routes.put(route.index(), new Described(route, settings));
            });
        }
        routes.values().forEach(described -> startups.add(embedDescriptions(described)));
    }

    /** Whether the route balances semantically. */
    public boolean routes(Route route) {
        return routes.containsKey(route.index());
    }

    /**
     * On a semantic route the route picks the model, so a model the client names that no target
     * serves (an SDK's default, Claude Code's {@code claude-...}) is dropped rather than refused (when
     * every target names its own); one that a target serves narrows the choice as on other routes
     * ({@link ModelRouting}).
     */
    public Set<Integer> notServing(Route route, ObjectNode checked) {
        JsonNode requested = checked.get("model");
        if (requested != null && requested.isTextual()
                && route.targets().stream().allMatch(target -> target.modelName().isPresent())
                && route.targets().stream().noneMatch(target -> target.serves(requested.textValue()))) {
            checked.remove("model");
        }
        return ModelRouting.notServing(route, checked);
    }

    /** The route's settings, for those who report on it. */
    public Optional<SemanticSettings> settings(Route route) {
        return Optional.ofNullable(routes.get(route.index())).map(described -> described.settings);
    }

    /** Whether the route's descriptions are embedded, so that prompts are routed by their meaning. */
    public boolean ready(Route route) {
        Described described = routes.get(route.index());
        return described != null && described.vectors != null;
    }

    /**
     * The targets that may not serve this request, {@code notServing} (another model's) among them:
     * all but the group of the description nearest to its prompt, or all but the CATCHALL targets.
     * Never fails: an embeddings call that fails sends the request to the CATCHALL targets.
     */
    public Uni<Pick> choose(Route route, ObjectNode checked, Set<Integer> notServing, String requestId) {
        Described described = routes.get(route.index());
        Map<String, double[]> vectors = described.vectors;
        String text = PromptText.of(checked);
        if (vectors == null || vectors.isEmpty() || text.isEmpty()) {
            return Uni.createFrom().item(fallback(described, notServing, 0, 0, null));
        }
        long start = System.nanoTime();
        SemanticSettings settings = described.settings;
        return Uni.createFrom().deferred(() -> embedder.embed(route, settings.embeddings(), List.of(text),
                settings.dimensions(), requestId))
                .map(embedded -> {
                    Map<String, double[]> open = new LinkedHashMap<>();
                    vectors.forEach((description, vector) -> {
                        if (!servingOf(described, description, notServing).isEmpty()) {
                            open.put(description, vector);
                        }
                    });
                    Optional<String> nearest = Nearest.description(embedded.vectors().get(0), open, settings.metric(),
                            settings.threshold());
                    if (nearest.isEmpty()) {
                        return fallback(described, notServing, embedded.status(), embedded.millis(), embedded);
                    }
                    return pick(described, notServing, nearest.get(), embedded.status(), embedded.millis(), embedded);
                })
                .onFailure().recoverWithItem(failure -> {
                    int status = failure instanceof GatewayException gateway ? gateway.status() : 502;
                    LOG.warnf("request %s on route '%s': the prompt could not be embedded (%s); it goes to %s",
                            requestId, route.name(), failure.getMessage(), fallbackName(described, notServing));
                    return fallback(described, notServing, status, (System.nanoTime() - start) / 1_000_000, null);
                });
    }

    private Pick fallback(Described described, Set<Integer> notServing, int status, long millis,
            Embedder.Embedded embedded) {
        if (servingOf(described, SemanticSettings.CATCHALL, notServing).isEmpty()) {
            return new Pick(notServing, report(described, SemanticRouting.ANY, status, millis, embedded));
        }
        return pick(described, notServing, SemanticSettings.CATCHALL, status, millis, embedded);
    }

    private static String fallbackName(Described described, Set<Integer> notServing) {
        return servingOf(described, SemanticSettings.CATCHALL, notServing).isEmpty() ? "any of its targets"
                : "its " + SemanticSettings.CATCHALL + " target(s)";
    }

    private Pick pick(Described described, Set<Integer> notServing, String description, int status, long millis,
            Embedder.Embedded embedded) {
        Set<Integer> serving = servingOf(described, description, notServing);
        Set<Integer> others = new HashSet<>(notServing);
        for (int t = 0; t < described.route.targets().size(); t++) {
            if (!serving.contains(t)) {
                others.add(t);
            }
        }
        return new Pick(others, report(described, description, status, millis, embedded));
    }

    /** The targets with this description that the request may go to. */
    private static Set<Integer> servingOf(Described described, String description, Set<Integer> notServing) {
        Set<Integer> serving = new LinkedHashSet<>();
        List<String> descriptions = described.settings.descriptions();
        for (int t = 0; t < descriptions.size(); t++) {
            if (descriptions.get(t).equals(description) && !notServing.contains(t)) {
                serving.add(t);
            }
        }
        return serving;
    }

    private static SemanticRouting report(Described described, String matched, int status, long millis,
            Embedder.Embedded embedded) {
        SemanticSettings settings = described.settings;
        return new SemanticRouting(matched, settings.embeddings().modelName().orElse(null), status, millis,
                embedded == null ? null : embedded.usage(), settings.embeddings().options().inputCost().orElse(0));
    }

    /** Embeds the route's descriptions in the background, again and again until it works. */
    private Cancellable embedDescriptions(Described described) {
        Route route = described.route;
        SemanticSettings settings = described.settings;
        if (described.descriptions.isEmpty()) {
            described.vectors = Map.of();
            return () -> {
            };
        }
        String variable = EnvNames.ofRoute(route.index(), "embeddings.model.options.upstream-url");
        return Uni.createFrom().deferred(() -> embedder.embed(route, settings.embeddings(), described.descriptions,
                settings.dimensions(), "semantic-index-" + route.name()))
                .onFailure().invoke(failure -> LOG.warnf("route '%s': its targets' descriptions could not be embedded "
                        + "(%s at %s, %s); until they are, prompts go to %s; tried again in up to %d s",
                        route.name(), failure.getMessage(), settings.embeddings().upstreamUrl(), variable,
                        fallbackName(described, Set.of()),
                        LONGEST_RETRY.toSeconds()))
                .onFailure().retry().withBackOff(FIRST_RETRY, LONGEST_RETRY).indefinitely()
                .subscribe().with(embedded -> {
                    Map<String, double[]> vectors = new LinkedHashMap<>();
                    for (int i = 0; i < described.descriptions.size(); i++) {
                        vectors.put(described.descriptions.get(i), embedded.vectors().get(i));
                    }
                    described.vectors = Collections.unmodifiableMap(vectors);
                    LOG.infof("route '%s': %d target description(s) embedded with %s (%d dimensions, %s tokens); "
                            + "prompts are routed by %s distance%s", route.name(), vectors.size(),
                            settings.embeddings().modelName().orElse(""), embedded.vectors().get(0).length,
                            embedded.usage() == null ? "?" : String.valueOf(embedded.usage().promptTokens()),
                            settings.metric().id(), settings.threshold().isPresent()
                                    ? " within " + settings.threshold().getAsDouble()
                                    : "");
                }, failure -> LOG.errorf("route '%s': embedding its descriptions stopped: %s", route.name(),
                        failure.getMessage()));
    }

    @PreDestroy
    void stop() {
        startups.forEach(Cancellable::cancel);
    }
}
