package dev.mistralgateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.GatewayConfig.AuthConfig;
import dev.mistralgateway.config.GatewayConfig.OptionsConfig;
import dev.mistralgateway.config.GatewayConfig.RouteConfig;
import dev.mistralgateway.config.GatewayConfig.TargetConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The configured routes, validated once at start-up with Kong's rules, looked up by path.
 *
 * <p>A misconfigured function must fail to start rather than answer wrongly, so every problem is
 * collected and reported at once, each naming the environment variable to fix.
 */
@Startup
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class RouteTable {

    /** Mistral's cloud chat endpoint, Kong's default for the mistral provider. */
    public static final URI MISTRAL_CHAT_URL = URI.create("https://api.mistral.ai/v1/chat/completions");
    /** Mistral's only completions endpoint: Codestral's fill-in-the-middle, which takes a prompt alone too. */
    public static final URI MISTRAL_FIM_URL = URI.create("https://api.mistral.ai/v1/fim/completions");
    public static final URI MISTRAL_EMBEDDINGS_URL = URI.create("https://api.mistral.ai/v1/embeddings");

    private static final Logger LOG = Logger.getLogger(RouteTable.class);

    /** What {@code AI_PROXY_FRONT_DOOR_AUTH} may say of the API in front of the function. */
    static final java.util.List<String> FRONT_DOOR_AUTH = java.util.List.of("none", "iam", "jwt");

    /** The value of {@code AI_PROXY_MODELS_PATH} that turns the model list off. */
    static final String OFF = "off";

    private final List<Route> routes;
    private final Map<String, Route> byPath;
    private final RegexPaths regexPaths;
    private final Optional<String> modelsPath;

    public RouteTable(GatewayConfig config) {
        this.routes = validate(config);
        this.modelsPath = Optional.of(config.modelsPath().trim()).filter(path -> !path.equalsIgnoreCase(OFF));
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
        return exact != null ? Optional.of(exact) : regexPaths.match(path);
    }

    /** Whether the path is one the route serves itself (not a sub-path its client API answers). */
    public boolean serves(Route route, String path) {
        return route.paths().contains(path) || regexPaths.matches(route, path);
    }

    /** The named groups of the route's regex path in this request path: its {@code uri_captures}. */
    public Map<String, String> captures(Route route, String path) {
        return regexPaths.captures(route, path);
    }

    public List<Route> routes() {
        return routes;
    }

    /** Where {@code GET} lists the models the routes serve; empty when the list is turned off. */
    public Optional<String> modelsPath() {
        return modelsPath;
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
        if (!modelsPath.equalsIgnoreCase(OFF)) {
            if (!modelsPath.startsWith("/")) {
                problems.add(GatewayConfig.PREFIX + ".models-path", "'" + modelsPath + "' must start with / (or be "
                        + OFF + " to turn the model list off)");
            } else if (pathOwners.containsKey(modelsPath)) {
                problems.add(GatewayConfig.PREFIX + ".models-path", "path " + modelsPath + " is already served by route '"
                        + pathOwners.get(modelsPath) + "': move the model list elsewhere, or set " + OFF);
            }
        }
        problems.throwIfAny();
        return List.copyOf(routes);
    }

    private static String prefix(int route) {
        return GatewayConfig.PREFIX + ".routes[" + route + "].";
    }

    private static Route route(int index, RouteConfig config, boolean frontDoorAuthenticates, Problems problems) {
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
        StreamingMode streaming = oneOf(StreamingMode.class, config.responseStreaming(), at + "response-streaming",
                problems);
        if (config.maxRequestBodySize() < 0) {
            problems.add(at + "max-request-body-size", "must be 0 (no limit) or a number of bytes");
        }
        Route.Timeouts timeouts = new Route.Timeouts(
                timeout(config.balancer().connectTimeout(), at + "balancer.connect-timeout", problems),
                timeout(config.balancer().readTimeout(), at + "balancer.read-timeout", problems),
                timeout(config.balancer().writeTimeout(), at + "balancer.write-timeout", problems));

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
            Target target = target(t, config.targets().get(t), at + "targets[" + t + "].", problems);
            if (target != null) {
                targets.add(target);
                String property = at + "targets[" + t + "].model.name";
                TemplateCheck.uncaptured(paths, target).ifPresent(problem -> problems.add(property, problem));
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

    private static Optional<Route.ClientAuth> clientAuth(RouteConfig config, String at, Problems problems) {
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
                keys.add(java.util.HexFormat.of().parseHex(digest));
            }
        }
        return Optional.of(new Route.ClientAuth(config.clientAuthHeader().trim(), List.copyOf(keys)));
    }

    private static Balancing balancing(GatewayConfig.BalancerConfig config, String at, Problems problems) {
        int errorsBefore = problems.count();
        Balancing.Algorithm algorithm = oneOf(Balancing.Algorithm.class, Balancing.Algorithm::id, config.algorithm(),
                at + "algorithm", problems);
        if (config.retries() < 0) {
            problems.add(at + "retries", "must be 0 or more, not " + config.retries());
        }
        java.util.EnumSet<Balancing.FailoverCriterion> criteria = java.util.EnumSet.noneOf(Balancing.FailoverCriterion.class);
        for (String criterion : config.failoverCriteria()) {
            Balancing.FailoverCriterion known = oneOf(Balancing.FailoverCriterion.class,
                    Balancing.FailoverCriterion::id, criterion, at + "failover-criteria", problems);
            if (known != null) {
                criteria.add(known);
            }
        }
        Balancing.LatencyStrategy latency = oneOf(Balancing.LatencyStrategy.class, config.latencyStrategy(),
                at + "latency-strategy", problems);
        Balancing.TokensCountStrategy tokens = null;
        Optional<String> noJudge = UnusedKongFields.unsupportedTokensCountStrategy(config.tokensCountStrategy());
        noJudge.ifPresent(problem -> problems.add(at + "tokens-count-strategy", problem));
        tokens = noJudge.isPresent() ? null : oneOf(Balancing.TokensCountStrategy.class,
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
        return new Balancing(algorithm, config.retries(), java.util.Collections.unmodifiableSet(criteria),
                config.hashOnHeader().trim(), latency, tokens, config.maxFails(), Duration.ofMillis(config.failTimeout()));
    }

    private static Target target(int index, TargetConfig config, String at, Problems problems) {
        int errorsBefore = problems.count();
        // a Responses API target takes chat requests upstream: the route translates its clients' requests
        RouteType routeType = config.routeType().map(String::trim)
                .flatMap(type -> type.equals(ClientApiKind.RESPONSES_ROUTE_TYPE) ? Optional.of(RouteType.CHAT)
                        : RouteType.fromId(type))
                .orElse(null);
        if (routeType == null) {
            problems.add(at + "route-type", config.routeType()
                    .map(v -> "'" + v + "' is not supported; use llm/v1/chat, llm/v1/completions, llm/v1/embeddings, "
                            + ClientApiKind.RESPONSES_ROUTE_TYPE + " or preserve")
                    .orElse("set llm/v1/chat, llm/v1/completions, llm/v1/embeddings, "
                            + ClientApiKind.RESPONSES_ROUTE_TYPE + " or preserve"));
        }
        String provider = config.model().provider().orElse(null);
        if (provider == null) {
            problems.add(at + "model.provider", "set mistral");
        } else if (!provider.equals("mistral")) {
            problems.add(at + "model.provider", "'" + provider + "' is not supported; this gateway serves mistral");
        }
        OptionsConfig options = config.model().options();
        MistralFormat format = null;
        if (options.mistralFormat().isEmpty()) {
            problems.add(at + "model.options.mistral-format",
                    "must set 'model.options.mistral_format' for mistral provider (openai or ollama)");
        } else {
            format = oneOf(MistralFormat.class, options.mistralFormat().get(), at + "model.options.mistral-format",
                    problems);
        }
        URI upstream = routeType == RouteType.PRESERVE ? preserveUpstream(options, at, problems)
                : upstreamUrl(options, routeType, format, at + "model.options.upstream-url", problems);
        boolean mistralCloud = options.mistralCloud().orElseGet(() -> MistralCloudHosts.serves(upstream));
        ModelOptions modelOptions = new ModelOptions(
                atLeast(options.maxTokens(), 1, at + "model.options.max-tokens", problems),
                between(options.temperature(), 0, 5, at + "model.options.temperature", problems),
                between(options.topP(), 0, 1, at + "model.options.top-p", problems),
                between(options.topK(), 0, 500, at + "model.options.top-k", problems),
                between(options.inputCost(), 0, Double.MAX_VALUE, at + "model.options.input-cost", problems),
                between(options.outputCost(), 0, Double.MAX_VALUE, at + "model.options.output-cost", problems),
                trueOrFalse(options.dropUnsupported(), at + "model.options.drop-unsupported", problems),
                between(options.cacheReadCost(), 0, Double.MAX_VALUE, at + "model.options.cache-read-cost", problems));
        Auth auth = auth(config.auth(), at + "auth.", problems);
        if (routeType == RouteType.PRESERVE && auth.param().filter(p -> p.location() == Auth.ParamLocation.BODY).isPresent()) {
            problems.add(at + "auth.param-location", "a preserve target passes the body through unread: send the key "
                    + "in a header (auth.header_name) or the query (param_location query)");
        }
        if (config.weight() < 1 || config.weight() > 65535) {
            problems.add(at + "weight", "must be between 1 and 65535, not " + config.weight());
        }
        Optional<String> modelName = config.model().name().map(String::trim).filter(n -> !n.isEmpty());
        modelName.flatMap(TemplateCheck::problem).ifPresent(problem -> problems.add(at + "model.name", problem));
        options.upstreamUrl().flatMap(TemplateCheck::problem)
                .ifPresent(problem -> problems.add(at + "model.options.upstream-url", problem));
        Optional<String> modelAlias = config.model().modelAlias().or(() -> config.model().alias()).map(String::trim)
                .filter(n -> !n.isEmpty());
        if (modelAlias.isPresent() && modelName.isEmpty()) {
            problems.add(at + "model.alias", "an alias names a configured model: set "
                    + EnvNames.of(at + "model.name") + " too");
        }
        if (problems.count() > errorsBefore) {
            return null;
        }
        return new Target(index, routeType, auth, modelName, modelAlias, format, upstream, modelOptions, mistralCloud,
                ollamaSettings(options.ollama()), config.logging().logStatistics(), config.logging().logPayloads(),
                config.weight());
    }

    /** SmallRye reads any word that is not true as false; a typo here would silently keep the 400s. */
    private static boolean trueOrFalse(Optional<String> value, String property, Problems problems) {
        String word = value.map(String::trim).orElse("false");
        if (!word.equalsIgnoreCase("true") && !word.equalsIgnoreCase("false")) {
            problems.add(property, "must be true or false, not '" + word + "'");
        }
        return word.equalsIgnoreCase("true");
    }

    /** Keys in Ollama's snake_case whatever way they were written; values as JSON would type them. */
    private static Map<String, Object> ollamaSettings(Map<String, String> raw) {
        Map<String, Object> settings = new java.util.TreeMap<>();
        raw.forEach((key, value) -> settings.put(key.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_'),
                typed(value.trim())));
        return java.util.Collections.unmodifiableMap(settings);
    }

    private static Object typed(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.valueOf(value);
        }
        try {
            return Long.valueOf(value);
        } catch (NumberFormatException notALong) {
            try {
                double number = Double.parseDouble(value);
                return Double.isFinite(number) ? number : value;
            } catch (NumberFormatException notANumber) {
                return value;
            }
        }
    }

    /** A preserve target's upstream ({@link PreserveTargets}); body-shaping options are named as doing nothing. */
    private static URI preserveUpstream(OptionsConfig options, String at, Problems problems) {
        PreserveTargets.Upstream upstream = PreserveTargets.upstream(options, at);
        if (upstream.problem() != null) {
            problems.add(upstream.property(), upstream.problem());
        }
        PreserveTargets.ignoredOptions(options).forEach(option -> LOG.warnf("%s: a preserve target passes the body "
                + "through unchanged, so this option is ignored", EnvNames.of(at + "model.options." + option)));
        return upstream.url();
    }

    private static URI upstreamUrl(OptionsConfig options, RouteType routeType, MistralFormat format, String property,
            Problems problems) {
        if (options.upstreamUrl().isEmpty()) {
            if (format == MistralFormat.OLLAMA) {
                String endpoint = routeType == RouteType.COMPLETIONS ? "/api/generate"
                        : routeType == RouteType.EMBEDDINGS ? "/api/embed" : "/api/chat";
                problems.add(property, "the ollama format needs the full URL of Ollama's " + endpoint
                        + ", e.g. http://ollama.internal:11434" + endpoint);
                return null;
            }
            return routeType == RouteType.COMPLETIONS ? MISTRAL_FIM_URL
                    : routeType == RouteType.EMBEDDINGS ? MISTRAL_EMBEDDINGS_URL : MISTRAL_CHAT_URL;
        }
        String value = options.upstreamUrl().get().trim();
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the rule the value breaks
        }
        problems.add(property, "'" + value + "' is not an absolute http:// or https:// URL");
        return null;
    }

    static Auth auth(AuthConfig config, String at, Problems problems) {
        Optional<Auth.Header> header = Optional.empty();
        if (config.headerName().isPresent() != config.headerValue().isPresent()) {
            String missing = config.headerName().isPresent() ? "header-value" : "header-name";
            problems.add(at + missing, "auth.header_name and auth.header_value go together: set both or neither");
        } else if (config.headerName().isPresent()) {
            header = Optional.of(new Auth.Header(config.headerName().get().trim(),
                    secret(config.headerValue().get(), at + "header-value", problems)));
        }
        Optional<Auth.Param> param = Optional.empty();
        boolean anyParam = config.paramName().isPresent() || config.paramValue().isPresent()
                || config.paramLocation().isPresent();
        if (anyParam) {
            if (config.paramName().isEmpty() || config.paramValue().isEmpty() || config.paramLocation().isEmpty()) {
                String missing = config.paramName().isEmpty() ? "param-name"
                        : config.paramValue().isEmpty() ? "param-value" : "param-location";
                problems.add(at + missing, "auth.param_name, auth.param_value and auth.param_location go together");
            } else {
                Auth.ParamLocation location = oneOf(Auth.ParamLocation.class, config.paramLocation().get(),
                        at + "param-location", problems);
                if (location != null) {
                    param = Optional.of(new Auth.Param(config.paramName().get().trim(),
                            secret(config.paramValue().get(), at + "param-value", problems), location));
                }
            }
        }
        return new Auth(header, param, config.allowOverride());
    }

    private static SecretText secret(String value, String property, Problems problems) {
        if (SecretText.referenceCount(value) > 1) {
            // only the first would be read; the second would go upstream as literal text
            problems.add(property, "holds more than one {{aws-secret:...}} or {{aws-ssm:...}} reference; "
                    + "a value may hold one (store the whole value in one secret)");
        }
        return SecretText.of(value);
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, String value, String property, Problems problems) {
        return oneOf(type, constant -> constant.name().toLowerCase(Locale.ROOT), value, property, problems);
    }

    /** The constant spelled {@code value} (case aside), or null with a problem that lists the spellings. */
    private static <E extends Enum<E>> E oneOf(Class<E> type, java.util.function.Function<E, String> spelling,
            String value, String property, Problems problems) {
        for (E constant : type.getEnumConstants()) {
            if (spelling.apply(constant).equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(spelling.apply(constant));
        }
        problems.add(property, "'" + value + "' is not one of " + String.join(", ", allowed));
        return null;
    }

    private static Duration timeout(int millis, String property, Problems problems) {
        if (millis < 1) {
            problems.add(property, "must be at least 1 (milliseconds), not " + millis);
        }
        return Duration.ofMillis(Math.max(1, millis));
    }

    private static OptionalInt atLeast(OptionalInt value, int min, String property, Problems problems) {
        if (value.isPresent() && value.getAsInt() < min) {
            problems.add(property, "must be at least " + min + ", not " + value.getAsInt());
        }
        return value;
    }

    private static OptionalInt between(OptionalInt value, int min, int max, String property, Problems problems) {
        if (value.isPresent() && (value.getAsInt() < min || value.getAsInt() > max)) {
            problems.add(property, "must be between " + min + " and " + max + ", not " + value.getAsInt());
        }
        return value;
    }

    private static OptionalDouble between(OptionalDouble value, double min, double max, String property,
            Problems problems) {
        if (value.isPresent() && !(value.getAsDouble() >= min && value.getAsDouble() <= max)) {
            String range = max == Double.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
            problems.add(property, "must be " + range + ", not " + value.getAsDouble());
        }
        return value;
    }

    /** Collects configuration problems so that one start-up failure reports all of them. */
    static final class Problems {
        private final List<String> messages = new ArrayList<>();

        void add(String property, String message) {
            messages.add(EnvNames.of(property) + ": " + message);
        }

        void add(String message) {
            messages.add(message);
        }

        int count() {
            return messages.size();
        }

        void throwIfAny() {
            if (!messages.isEmpty()) {
                throw new ConfigurationException("The gateway's configuration is invalid:\n  - "
                        + String.join("\n  - ", messages));
            }
        }
    }
}
