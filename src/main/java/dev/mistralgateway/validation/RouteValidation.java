package dev.mistralgateway.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.GatewayConfig.RouteConfig;
import dev.mistralgateway.config.TargetConfig;
import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.RegexPaths;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.StreamingMode;
import dev.mistralgateway.route.Target;

/**
 * The raw configuration tree turned into routes at start-up, with Kong's rules: a misconfigured
 * function must fail to start rather than answer wrongly, so every problem is collected and reported
 * at once, each naming the environment variable to fix.
 */
public final class RouteValidation {

    /** The log category of every start-up line about the routes: {@code RouteTable}'s, whose start-up this is. */
    static final String ROUTE_TABLE_CATEGORY = "dev.mistralgateway.route.RouteTable";

    // the start-up lines share the table's category, named as text so that validation does not import the table that calls it
    private static final Logger LOG = Logger.getLogger(ROUTE_TABLE_CATEGORY);

    /** What {@code AI_PROXY_FRONT_DOOR_AUTH} may say of the API in front of the function. */
    private static final List<String> FRONT_DOOR_AUTH = List.of("none", "iam", "jwt");

    private RouteValidation() {
    }

    /** Turns the raw tree into routes, or throws one exception listing every problem found. */
    public static List<Route> validate(GatewayConfig config) {
        Problems problems = new Problems();
        List<Route> routes = new ArrayList<>();
        if (config.routes().isEmpty()) {
            problems.add("no route is configured: set at least AI_PROXY_ROUTES_0__PATHS (e.g. /mistral-chat), "
                    + "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE, AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER and "
                    + "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT, "
                    + "or paste a Kong plugin config into AI_PROXY_ROUTES_0__CONFIG (see docs/configuration.md and docs/kong.md)");
        }
        Map<String, String> pathOwners = new HashMap<>();
        String frontDoor = config.frontDoorAuth().trim().toLowerCase(Locale.ROOT);
        if (!FRONT_DOOR_AUTH.contains(frontDoor)) {
            problems.add(GatewayConfig.PREFIX + ".front-door-auth", "'" + config.frontDoorAuth() + "' is not one of "
                    + String.join(", ", FRONT_DOOR_AUTH));
        }
        boolean frontDoorAuthenticates = !frontDoor.equals("none");
        for (int i = 0; i < config.routes().size(); i++) {
            Route route = route(i, config.routes().get(i), frontDoorAuthenticates, problems);
            if (route == null) {
                continue;
            }
            for (String path : route.paths()) {
                String owner = pathOwners.putIfAbsent(path, route.name());
                if (owner != null) {
                    problems.add(prefix(i) + "paths", "path " + path + " is already served by route '" + owner + "'");
                }
            }
            routes.add(route);
        }
        String modelsPath = config.modelsPath().trim();
        if (!modelsPath.equalsIgnoreCase(GatewayConfig.MODELS_PATH_OFF)) {
            if (!modelsPath.startsWith("/")) {
                problems.add(GatewayConfig.PREFIX + ".models-path", "'" + modelsPath + "' must start with / (or be "
                        + GatewayConfig.MODELS_PATH_OFF + " to turn the model list off)");
            } else if (pathOwners.containsKey(modelsPath)) {
                problems.add(GatewayConfig.PREFIX + ".models-path", "path " + modelsPath + " is already served by route '"
                        + pathOwners.get(modelsPath) + "': move the model list elsewhere, or set "
                        + GatewayConfig.MODELS_PATH_OFF);
            }
        }
        problems.throwIfAny();
        return List.copyOf(routes);
    }

    static String prefix(int route) {
        return GatewayConfig.PREFIX + ".routes[" + route + "].";
    }

    static Route route(int index, RouteConfig config, boolean frontDoorAuthenticates, Problems problems) {
        String at = prefix(index);
        List<String> paths = config.paths().orElse(List.of()).stream().map(String::trim).filter(p -> !p.isEmpty())
                .toList();
        if (paths.isEmpty()) {
            problems.add(at + "paths", "set the path(s) this route serves, comma-separated, e.g. /mistral-chat");
        }
        for (String path : paths) {
            if (RegexPaths.isRegex(path)) {
                RegexPaths.problem(path).ifPresent(problem -> problems.add(at + "paths", problem));
            } else if (!path.startsWith("/")) {
                problems.add(at + "paths", "'" + path + "' must start with /");
            }
        }
        StreamingMode streaming = Rules.oneOf(StreamingMode.class, config.responseStreaming(), at + "response-streaming",
                problems);
        if (config.maxRequestBodySize() < 0) {
            problems.add(at + "max-request-body-size", "must be 0 (no limit) or a number of bytes");
        }
        Route.Timeouts timeouts = new Route.Timeouts(
                Rules.timeout(config.balancer().connectTimeout(), at + "balancer.connect-timeout", problems),
                Rules.timeout(config.balancer().readTimeout(), at + "balancer.read-timeout", problems),
                Rules.timeout(config.balancer().writeTimeout(), at + "balancer.write-timeout", problems));

        Balancing balancing = balancing(config.balancer(), at + "balancer.", problems);
        Optional<Route.ClientAuth> clientAuth = clientAuth(config, at, problems);
        if (config.maxMessages() < 1) {
            problems.add(at + "max-messages", "must be at least 1, not " + config.maxMessages());
        }
        if (config.maxStreamSeconds() < 0) {
            problems.add(at + "max-stream-seconds", "must be 0 (no limit) or a number of seconds, not "
                    + config.maxStreamSeconds());
        }
        if (config.maxStreamTokens() < 0) {
            problems.add(at + "max-stream-tokens", "must be 0 (no limit) or a number of tokens, not "
                    + config.maxStreamTokens());
        }
        Route.StreamLimits streamLimits = new Route.StreamLimits(
                Duration.ofSeconds(Math.max(0, config.maxStreamSeconds())), Math.max(0, config.maxStreamTokens()));
        ClientApiKind.Choice clientApi = ClientApiKind.choose(config.llmFormat(),
                config.targets().stream().map(TargetConfig::routeType).toList());
        if (clientApi.problem() != null) {
            problems.add(at + clientApi.property(), clientApi.problem());
        }
        String preserveProblem = PreserveTargets.mixed(config.targets().stream().map(TargetConfig::routeType).toList(),
                clientApi.kind());
        if (preserveProblem != null) {
            problems.add(at + "targets[0].route-type", preserveProblem);
        }
        List<Target> targets = new ArrayList<>();
        if (config.targets().isEmpty()) {
            problems.add(at + "targets[0].route-type", "the route has no target: configure its first target "
                    + "(route type, model provider, mistral format, ...)");
        }
        for (int t = 0; t < config.targets().size(); t++) {
            Target target = TargetValidation.target(t, config.targets().get(t), at + "targets[" + t + "].", problems);
            if (target != null) {
                targets.add(target);
                TemplateCheck.uncaptured(paths, target, at + "targets[" + t + "].", problems);
            }
        }
        SemanticSettings.read(config, at, problems);
        if (targets.size() != config.targets().size() || streaming == null || targets.isEmpty() || balancing == null
                || clientApi.kind() == null) {
            return null;
        }
        String name = config.name().filter(n -> !n.isBlank())
                .orElseGet(() -> paths.isEmpty() ? "route-" + index : paths.get(0).substring(1));
        UnusedKongFields.line(name, at, config).ifPresent(LOG::warn);
        if (clientAuth.isEmpty() && !frontDoorAuthenticates) {
            LOG.warnf("route '%s' %s is open: anyone who can reach it spends its upstream keys. Set %s (SHA-256 "
                    + "digests of client keys), or keep it behind IAM or JWT authorization", name, paths,
                    EnvNames.of(at + "client-auth-key-sha256"));
        }
        if (clientAuth.isPresent() && frontDoorAuthenticates
                && clientAuth.get().header().equalsIgnoreCase("Authorization")) {
            problems.add(at + "client-auth-header", "the API in front (" + EnvNames.of(GatewayConfig.PREFIX
                    + ".front-door-auth") + ") takes the Authorization header for its own IAM or JWT check: send "
                    + "client keys in another header, e.g. X-Api-Key");
        }
        return new Route(index, name, paths, streaming, config.maxRequestBodySize(), config.modelNameHeader(),
                timeouts, balancing, clientAuth, config.maxMessages(), streamLimits, List.copyOf(targets),
                clientApi.kind());
    }

    static Optional<Route.ClientAuth> clientAuth(RouteConfig config, String at, Problems problems) {
        List<String> digests = config.clientAuthKeySha256().orElse(List.of()).stream().map(String::trim)
                .filter(digest -> !digest.isEmpty()).toList();
        if (config.clientAuthHeader().isBlank()) {
            problems.add(at + "client-auth-header", "must name a request header");
        }
        if (digests.isEmpty()) {
            return Optional.empty();
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < digests.size(); i++) {
            String digest = digests.get(i);
            if (!digest.matches("[0-9a-fA-F]{64}")) {
                // never the value itself: a key pasted here instead of its digest would land in the log
                problems.add(at + "client-auth-key-sha256", "entry " + (i + 1) + " is not a SHA-256 digest in hex "
                        + "(64 characters; make one with: printf %s \"$KEY\" | sha256sum)");
            } else {
                keys.add(HexFormat.of().parseHex(digest));
            }
        }
        return Optional.of(new Route.ClientAuth(config.clientAuthHeader().trim(), List.copyOf(keys)));
    }

    static Balancing balancing(GatewayConfig.BalancerConfig config, String at, Problems problems) {
        int errorsBefore = problems.count();
        Balancing.Algorithm algorithm = Rules.oneOf(Balancing.Algorithm.class, Balancing.Algorithm::id, config.algorithm(),
                at + "algorithm", problems);
        if (config.retries() < 0) {
            problems.add(at + "retries", "must be 0 or more, not " + config.retries());
        }
        EnumSet<Balancing.FailoverCriterion> criteria = EnumSet.noneOf(Balancing.FailoverCriterion.class);
        for (String criterion : config.failoverCriteria()) {
            Balancing.FailoverCriterion known = Rules.oneOf(Balancing.FailoverCriterion.class,
                    Balancing.FailoverCriterion::id, criterion, at + "failover-criteria", problems);
            if (known != null) {
                criteria.add(known);
            }
        }
        Balancing.LatencyStrategy latency = Rules.oneOf(Balancing.LatencyStrategy.class, config.latencyStrategy(),
                at + "latency-strategy", problems);
        Balancing.TokensCountStrategy tokens = null;
        Optional<String> noJudge = UnusedKongFields.unsupportedTokensCountStrategy(config.tokensCountStrategy());
        noJudge.ifPresent(problem -> problems.add(at + "tokens-count-strategy", problem));
        tokens = noJudge.isPresent() ? null
                : Rules.oneOf(Balancing.TokensCountStrategy.class,
                        strategy -> strategy.name().toLowerCase(Locale.ROOT).replace('_', '-'), config.tokensCountStrategy(),
                        at + "tokens-count-strategy", problems);
        if (config.maxFails() < 0) {
            problems.add(at + "max-fails", "must be 0 (no circuit breaker) or more, not " + config.maxFails());
        }
        if (config.failTimeout() < 1) {
            problems.add(at + "fail-timeout", "must be at least 1 (milliseconds), not " + config.failTimeout());
        }
        if (config.hashOnHeader().isBlank()) {
            problems.add(at + "hash-on-header", "must name a request header");
        }
        if (problems.count() > errorsBefore) {
            return null;
        }
        return new Balancing(algorithm, config.retries(), Collections.unmodifiableSet(criteria),
                config.hashOnHeader().trim(), latency, tokens, config.maxFails(), Duration.ofMillis(config.failTimeout()));
    }

}
