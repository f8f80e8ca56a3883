package dev.mistralgateway.route;

import java.util.Locale;

/** Kong's {@code model.options.mistral_format}: the wire format of the Mistral hosting. */
public enum MistralFormat {
    /** Mistral's cloud API and OpenAI-compatible self-hosted servers (llama.cpp, vLLM). */
    OPENAI,
    /** Ollama's native {@code /api/chat} and {@code /api/generate}. */
    OLLAMA;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
