package dev.mistralgateway.route;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * One validated upstream of a route: what it serves, where it is, how to reach it.
 *
 * @param modelName the configured model; when present the client may not ask for another one
 * @param modelAlias another name the client may ask for that model by
 * @param mistralCloud whether an {@code openai}-format upstream is Mistral's cloud API, which refuses
 *        OpenAI-only fields
 * @param ollamaSettings Ollama-only settings ({@code num_ctx}, {@code keep_alive}, ...), keys in
 *        Ollama's snake_case, values typed (Long, Double, Boolean or String)
 */
public record Target(
        int index,
        RouteType routeType,
        Auth auth,
        Optional<String> modelName,
        Optional<String> modelAlias,
        MistralFormat format,
        URI upstreamUrl,
        ModelOptions options,
        boolean mistralCloud,
        Map<String, Object> ollamaSettings,
        boolean logStatistics,
        boolean logPayloads,
        int weight) {

    /** Whether a client asking for this model name is served by this target as configured. */
    public boolean serves(String model) {
        return modelName.map(model::equals).orElse(false) || modelAlias.map(model::equals).orElse(false);
    }
}
