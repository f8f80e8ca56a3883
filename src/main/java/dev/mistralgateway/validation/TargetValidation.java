package dev.mistralgateway.validation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.AuthConfig;
import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.OptionsConfig;
import dev.mistralgateway.config.TargetConfig;
import dev.mistralgateway.route.Auth;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.MistralCloudHosts;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.ModelOptions;
import dev.mistralgateway.route.NumericOption;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.SecretText;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.template.Template;

/** A target's variables, validated: its route type, format, model, options, upstream URL and auth. */
final class TargetValidation {

    // the start-up lines share the table's category, named as text so that validation does not import the table that calls it
    private static final Logger LOG = Logger.getLogger(RouteValidation.ROUTE_TABLE_CATEGORY);

    private TargetValidation() {
    }

    static Target target(int index, TargetConfig config, String at, Problems problems) {
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
            format = Rules.oneOf(MistralFormat.class, options.mistralFormat().get(), at + "model.options.mistral-format",
                    problems);
        }
        URI upstream = routeType == RouteType.PRESERVE ? preserveUpstream(options, at, problems)
                : upstreamUrl(options, routeType, format, at + "model.options.upstream-url", problems);
        boolean mistralCloud = options.mistralCloud().isPresent()
                ? trueOrFalse(options.mistralCloud(), at + "model.options.mistral-cloud", problems)
                : MistralCloudHosts.serves(upstream);
        OptionNumbers numbers = new OptionNumbers(at, problems);
        ModelOptions modelOptions = new ModelOptions(
                numbers.whole(options.maxTokens(), NumericOption.MAX_TOKENS),
                numbers.number(options.temperature(), NumericOption.TEMPERATURE),
                numbers.number(options.topP(), NumericOption.TOP_P),
                numbers.whole(options.topK(), NumericOption.TOP_K),
                numbers.cost(options.inputCost(), "input-cost"),
                numbers.cost(options.outputCost(), "output-cost"),
                trueOrFalse(options.dropUnsupported(), at + "model.options.drop-unsupported", problems),
                numbers.cost(options.cacheReadCost(), "cache-read-cost"),
                numbers.templates());
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
        options.upstreamPath().flatMap(TemplateCheck::problem)
                .ifPresent(problem -> problems.add(at + "model.options.upstream-path", problem));
        // they size the Ollama server's work (num_ctx, keep_alive): the operator's to choose, not a client's
        options.ollama().forEach((key, value) -> {
            if (Template.in(value)) {
                problems.add(at + "model.options.ollama." + key, "takes no template: Ollama's settings size the "
                        + "server's memory and time, which a client may not choose; set a value");
            }
        });
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
    static boolean trueOrFalse(Optional<String> value, String property, Problems problems) {
        String word = value.map(String::trim).orElse("false");
        if (!word.equalsIgnoreCase("true") && !word.equalsIgnoreCase("false")) {
            problems.add(property, "must be true or false, not '" + word + "'");
        }
        return word.equalsIgnoreCase("true");
    }

    /** Keys in Ollama's snake_case whatever way they were written; values as JSON would type them. */
    static Map<String, Object> ollamaSettings(Map<String, String> raw) {
        Map<String, Object> settings = new java.util.TreeMap<>();
        raw.forEach((key, value) -> settings.put(key.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_'),
                typed(value.trim())));
        return java.util.Collections.unmodifiableMap(settings);
    }

    static Object typed(String value) {
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
    static URI preserveUpstream(OptionsConfig options, String at, Problems problems) {
        PreserveTargets.Upstream upstream = PreserveTargets.upstream(options, at);
        if (upstream.problem() != null) {
            problems.add(upstream.property(), upstream.problem());
        }
        PreserveTargets.ignoredOptions(options).forEach(option -> LOG.warnf("%s: a preserve target passes the body "
                + "through unchanged, so this option is ignored", EnvNames.of(at + "model.options." + option)));
        return upstream.url();
    }

    static URI upstreamUrl(OptionsConfig options, RouteType routeType, MistralFormat format, String property,
            Problems problems) {
        if (options.upstreamUrl().isEmpty()) {
            if (format == MistralFormat.OLLAMA) {
                String endpoint = routeType == RouteType.COMPLETIONS ? "/api/generate"
                        : routeType == RouteType.EMBEDDINGS ? "/api/embed" : "/api/chat";
                problems.add(property, "the ollama format needs the full URL of Ollama's " + endpoint
                        + ", e.g. http://ollama.internal:11434" + endpoint);
                return null;
            }
            return routeType == RouteType.COMPLETIONS ? MistralCloudHosts.FIM_URL
                    : routeType == RouteType.EMBEDDINGS ? MistralCloudHosts.EMBEDDINGS_URL : MistralCloudHosts.CHAT_URL;
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
                Auth.ParamLocation location = Rules.oneOf(Auth.ParamLocation.class, config.paramLocation().get(),
                        at + "param-location", problems);
                if (location != null) {
                    param = Optional.of(new Auth.Param(config.paramName().get().trim(),
                            secret(config.paramValue().get(), at + "param-value", problems), location));
                }
            }
        }
        return new Auth(header, param, config.allowOverride());
    }

    static SecretText secret(String value, String property, Problems problems) {
        if (SecretText.referenceCount(value) > 1) {
            // only the first would be read; the second would go upstream as literal text
            problems.add(property, "holds more than one {{aws-secret:...}} or {{aws-ssm:...}} reference; "
                    + "a value may hold one (store the whole value in one secret)");
        }
        return SecretText.of(value);
    }

}
