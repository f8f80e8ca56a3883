package dev.mistralgateway.validation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.GatewayConfig.RouteConfig;
import dev.mistralgateway.config.SemanticConfig;
import dev.mistralgateway.route.Auth;
import dev.mistralgateway.route.MistralCloudHosts;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.ModelOptions;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;

/**
 * A {@code semantic} route's settings, validated: the embeddings model (as a {@link Target} of
 * route type embeddings, so the format translators and the upstream client serve it as they serve any
 * target), how distances are measured and how near is near enough, and each target's description.
 *
 * @param threshold the greatest distance at which a description still matches; empty: the nearest always does
 * @param dimensions the length the embeddings model is asked for, and every vector must have
 * @param descriptions each target's description, by target index
 */
public record SemanticSettings(Target embeddings, Metric metric, OptionalDouble threshold, OptionalInt dimensions,
        List<String> descriptions) {

    /** Kong's description of the target that serves the prompts no other description matches. */
    public static final String CATCHALL = "CATCHALL";

    static final String ALGORITHM = "semantic";

    private static final Logger LOG = Logger.getLogger(SemanticSettings.class);

    /** Kong's {@code vectordb.distance_metric}. */
    public enum Metric {
        /** 1 − the cosine of the angle between the vectors: 0 (same direction) to 2 (opposite). */
        COSINE,
        /** The straight-line distance between the vectors' ends. */
        EUCLIDEAN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether this target serves what no other description matches. */
    public boolean catchAll(int target) {
        return CATCHALL.equals(descriptions.get(target));
    }

    /** The route's settings when it balances semantically, read again from a configuration {@link RouteValidation} accepted. */
    public static Optional<SemanticSettings> of(GatewayConfig config, Route route) {
        Problems problems = new Problems();
        SemanticSettings settings = read(config.routes().get(route.index()),
                GatewayConfig.PREFIX + ".routes[" + route.index() + "].", problems, false);
        problems.throwIfAny();
        return Optional.ofNullable(settings);
    }

    /** The settings of a route whose algorithm is {@code semantic}, or null (with problems when they are wrong). */
    static SemanticSettings read(RouteConfig config, String at, Problems problems) {
        return read(config, at, problems, true);
    }

    /** @param warn whether to log the warnings (once, at validation; not when read again) */
    private static SemanticSettings read(RouteConfig config, String at, Problems problems, boolean warn) {
        SemanticConfig.Embeddings embeddings = config.embeddings();
        if (!config.balancer().algorithm().trim().equalsIgnoreCase(ALGORITHM)) {
            if (warn && embeddings.model().name().isPresent()) {
                LOG.warnf("%s is set, but the route balances with %s: the embeddings are not used (set %s=%s)",
                        EnvNames.of(at + "embeddings.model.name"), config.balancer().algorithm(),
                        EnvNames.of(at + "balancer.algorithm"), ALGORITHM);
            }
            return null;
        }
        int before = problems.count();
        Target model = model(embeddings, at + "embeddings.", problems);
        SemanticConfig.Vectordb vectordb = config.vectordb();
        Metric metric = metric(vectordb.distanceMetric(), at + "vectordb.distance-metric", problems);
        OptionalDouble threshold = threshold(vectordb.threshold(), metric, at + "vectordb.threshold", problems);
        OptionalInt dimensions = OptionalInt.empty();
        if (vectordb.dimensions().isPresent()) {
            dimensions = positive(vectordb.dimensions().get(), at + "vectordb.dimensions", problems);
        }
        List<String> descriptions = new ArrayList<>();
        boolean catchAll = false;
        for (int t = 0; t < config.targets().size(); t++) {
            String description = config.targets().get(t).description().map(String::trim).orElse("");
            if (description.isEmpty()) {
                problems.add(at + "targets[" + t + "].description", "the " + ALGORITHM + " algorithm routes each prompt "
                        + "to the target whose description is nearest: describe what this target serves, or set "
                        + CATCHALL + " for the target of prompts no description matches");
            }
            catchAll |= description.equals(CATCHALL);
            descriptions.add(description);
        }
        if (warn && threshold.isPresent() && !catchAll) {
            // Kong's own "semantic with fallback" example has a threshold and no CATCHALL: a warning, not a stop
            LOG.warnf("%s: a prompt farther than the threshold from every description goes to any of the route's "
                    + "targets (weighted round-robin), as no target is described as %s; describe one as %s (e.g. %s=%s) "
                    + "to choose which", EnvNames.of(at + "vectordb.threshold"), CATCHALL, CATCHALL,
                    EnvNames.of(at + "targets[0].description"), CATCHALL);
        }
        if (problems.count() > before) {
            return null;
        }
        return new SemanticSettings(model, metric, threshold, dimensions, List.copyOf(descriptions));
    }

    /** The embeddings model as a target of route type embeddings; its index, -1, is no target's of the route. */
    private static Target model(SemanticConfig.Embeddings config, String at, Problems problems) {
        int before = problems.count();
        Optional<String> name = config.model().name().map(String::trim).filter(n -> !n.isEmpty());
        if (name.isEmpty()) {
            problems.add(at + "model.name", "the " + ALGORITHM + " algorithm embeds the targets' descriptions and "
                    + "each prompt: name the embeddings model, e.g. mistral-embed");
        }
        String provider = config.model().provider().map(String::trim).orElse("");
        if (!provider.equals("mistral")) {
            problems.add(at + "model.provider", provider.isEmpty() ? "set mistral"
                    : "'" + provider + "' is not supported; set mistral (with " + EnvNames.of(at
                            + "model.options.mistral-format") + "=ollama for an Ollama server)");
        }
        SemanticConfig.Options options = config.model().options();
        MistralFormat format = null;
        String formatName = options.mistralFormat().map(String::trim).orElse("openai");
        for (MistralFormat known : MistralFormat.values()) {
            if (known.id().equalsIgnoreCase(formatName)) {
                format = known;
            }
        }
        if (format == null) {
            problems.add(at + "model.options.mistral-format", "'" + formatName + "' is not one of openai, ollama");
        }
        URI url = url(options.upstreamUrl(), format, at + "model.options.upstream-url", problems);
        OptionalDouble inputCost = OptionalDouble.empty();
        if (options.inputCost().isPresent()) {
            inputCost = number(options.inputCost().get(), at + "model.options.input-cost", problems);
            if (inputCost.isPresent() && inputCost.getAsDouble() < 0) {
                problems.add(at + "model.options.input-cost", "must be at least 0, not " + inputCost.getAsDouble());
            }
        }
        Auth auth = TargetValidation.auth(config.auth(), at + "auth.", problems);
        if (problems.count() > before) {
            return null;
        }
        ModelOptions modelOptions = new ModelOptions(OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), inputCost, OptionalDouble.empty());
        return new Target(-1, RouteType.EMBEDDINGS, auth, name, Optional.empty(), format, url, modelOptions,
                format == MistralFormat.OPENAI && MistralCloudHosts.serves(url), Map.of(), false, false, 1);
    }

    private static URI url(Optional<String> value, MistralFormat format, String property, Problems problems) {
        if (value.isEmpty() || value.get().isBlank()) {
            if (format == MistralFormat.OLLAMA) {
                problems.add(property, "the ollama format needs the full URL of Ollama's /api/embed, "
                        + "e.g. http://ollama.internal:11434/api/embed");
            }
            return MistralCloudHosts.EMBEDDINGS_URL;
        }
        try {
            URI uri = new URI(value.get().trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the rule the value breaks
        }
        problems.add(property, "'" + value.get().trim() + "' is not an absolute http:// or https:// URL");
        return null;
    }

    private static Metric metric(Optional<String> value, String property, Problems problems) {
        String name = value.map(String::trim).orElse(Metric.COSINE.id());
        for (Metric metric : Metric.values()) {
            if (metric.id().equalsIgnoreCase(name)) {
                return metric;
            }
        }
        problems.add(property, "'" + name + "' is not one of cosine, euclidean");
        return Metric.COSINE;
    }

    private static OptionalDouble threshold(Optional<String> value, Metric metric, String property,
            Problems problems) {
        if (value.isEmpty() || value.get().isBlank()) {
            return OptionalDouble.empty();
        }
        OptionalDouble threshold = number(value.get(), property, problems);
        if (threshold.isEmpty()) {
            return threshold;
        }
        double distance = threshold.getAsDouble();
        if (distance < 0 || metric == Metric.COSINE && distance > 2) {
            problems.add(property, "is the greatest distance at which a description matches, "
                    + (metric == Metric.COSINE ? "between 0 and 2 for cosine (1 − cosine similarity)" : "0 or more")
                    + ", not " + value.get().trim());
            return OptionalDouble.empty();
        }
        return threshold;
    }

    private static OptionalDouble number(String value, String property, Problems problems) {
        try {
            double number = Double.parseDouble(value.trim());
            if (Double.isFinite(number)) {
                return OptionalDouble.of(number);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(property, "must be a number, not '" + value.trim() + "'");
        return OptionalDouble.empty();
    }

    private static OptionalInt positive(String value, String property, Problems problems) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number > 0) {
                return OptionalInt.of(number);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(property, "must be a whole number of at least 1, not '" + value.trim() + "'");
        return OptionalInt.empty();
    }
}
