package dev.mistralgateway.route;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The hosts of Mistral's cloud API, whose request hygiene a target gets unless its
 * {@code MISTRAL_CLOUD} option says otherwise: {@code api.mistral.ai}, and
 * {@code codestral.mistral.ai}, the endpoint Codestral keys are issued for (the same API,
 * schema and refusals: its fill-in-the-middle endpoint answers 422 to OpenAI's {@code user},
 * {@code stream_options} and {@code echo} as {@code api.mistral.ai} does).
 */
public final class MistralCloudHosts {

    /** Mistral's cloud chat endpoint, Kong's default for the mistral provider. */
    public static final URI CHAT_URL = URI.create("https://api.mistral.ai/v1/chat/completions");
    /** Mistral's only completions endpoint: Codestral's fill-in-the-middle, which takes a prompt alone too. */
    public static final URI FIM_URL = URI.create("https://api.mistral.ai/v1/fim/completions");
    public static final URI EMBEDDINGS_URL = URI.create("https://api.mistral.ai/v1/embeddings");

    private static final Set<String> HOSTS = Set.of("api.mistral.ai", "codestral.mistral.ai");

    private MistralCloudHosts() {
    }

    public static boolean serves(URI upstream) {
        return upstream != null && upstream.getHost() != null
                && HOSTS.contains(upstream.getHost().toLowerCase(Locale.ROOT));
    }
}
