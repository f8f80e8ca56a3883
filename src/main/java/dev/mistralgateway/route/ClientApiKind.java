package dev.mistralgateway.route;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The API a route's clients speak, whatever its targets speak upstream: OpenAI's chat, completions
 * and embeddings (the default), OpenAI's Responses API (targets of route type
 * {@code llm/v1/responses}) or Anthropic's Messages API (Kong's {@code llm_format: anthropic}).
 * The translators for each are in {@code dev.mistralgateway.clientapi}.
 */
public enum ClientApiKind {
    /** OpenAI's chat completions, completions and embeddings, as the targets take them. */
    OPENAI("openai"),
    /** OpenAI's Responses API, {@code POST /v1/responses}, over chat targets. */
    RESPONSES("openai"),
    /** Anthropic's Messages API, {@code POST /v1/messages}, over chat targets. */
    ANTHROPIC("anthropic");

    /** The route type that makes a route speak the Responses API (Kong's name). */
    public static final String RESPONSES_ROUTE_TYPE = "llm/v1/responses";

    /** The sub-path of an anthropic route's path that counts a request's tokens, as Anthropic's API has it. */
    public static final String COUNT_TOKENS = "count_tokens";

    /** The values of Kong's {@code llm_format} this gateway serves. */
    static final List<String> LLM_FORMATS = List.of("openai", "anthropic");

    private final String llmFormat;

    ClientApiKind(String llmFormat) {
        this.llmFormat = llmFormat;
    }

    /** Kong's {@code llm_format} of this API. */
    public String llmFormat() {
        return llmFormat;
    }

    /**
     * The sub-paths under each of a route's paths that its API answers itself, without a target
     * ({@code <path>/count_tokens} on an anthropic route).
     */
    public List<String> subPaths() {
        return this == ANTHROPIC ? List.of(COUNT_TOKENS) : List.of();
    }

    /**
     * The headers a client key may arrive in, the configured one first. Anthropic's clients send
     * theirs in {@code x-api-key}, so an anthropic route reads it there too.
     */
    public List<String> keyHeaders(String configured) {
        if (this == ANTHROPIC && !configured.equalsIgnoreCase("x-api-key")) {
            return List.of(configured, "x-api-key");
        }
        return List.of(configured);
    }

    /**
     * A route's client API from its {@code llm_format} and its targets' route types, or the reason
     * they do not make one: a route speaks one client API, so its targets agree on it.
     *
     * @param routeTypes each target's configured route type, as written
     */
    public static Choice choose(Optional<String> llmFormat, List<Optional<String>> routeTypes) {
        String format = llmFormat.map(f -> f.trim().toLowerCase(Locale.ROOT)).filter(f -> !f.isEmpty())
                .orElse("openai");
        if (!LLM_FORMATS.contains(format)) {
            return Choice.problem("llm-format", "'" + llmFormat.orElse("") + "' is not one of "
                    + String.join(", ", LLM_FORMATS));
        }
        long responses = routeTypes.stream()
                .filter(type -> type.map(String::trim).filter(RESPONSES_ROUTE_TYPE::equals).isPresent()).count();
        if (responses > 0 && responses < routeTypes.size()) {
            return Choice.problem("targets[0].route-type", "either every target of a route is "
                    + RESPONSES_ROUTE_TYPE + " or none is: a route's clients speak one API");
        }
        if (responses > 0) {
            return format.equals("openai") ? new Choice(RESPONSES, null, null)
                    : Choice.problem("llm-format", RESPONSES_ROUTE_TYPE + " is OpenAI's Responses API: leave "
                            + "llm_format unset (or openai) on its route");
        }
        if (format.equals("anthropic")) {
            boolean chat = routeTypes.stream().allMatch(type -> type.map(String::trim)
                    .filter(RouteType.CHAT.id()::equals).isPresent());
            return chat ? new Choice(ANTHROPIC, null, null)
                    : Choice.problem("llm-format", "Anthropic's Messages "
                            + "API is served over chat targets: set every target's route type to " + RouteType.CHAT.id());
        }
        return new Choice(OPENAI, null, null);
    }

    /** The chosen API, or the route property to fix and why. */
    public record Choice(ClientApiKind kind, String property, String problem) {
        static Choice problem(String property, String problem) {
            return new Choice(null, property, problem);
        }
    }
}
