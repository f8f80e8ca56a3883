package dev.mistralgateway.config;

import java.util.Map;
import java.util.Optional;

/** A target's {@code model.options} block. */
public interface OptionsConfig {
    Optional<String> mistralFormat();

    Optional<String> upstreamUrl();

    /** Kong's {@code upstream_path}: the path on the upstream host a {@code preserve} target calls. */
    Optional<String> upstreamPath();

    // the numeric options are read as text: a number, or a template resolved per request (OptionNumbers)

    Optional<String> maxTokens();

    Optional<String> temperature();

    Optional<String> topP();

    Optional<String> topK();

    Optional<String> inputCost();

    Optional<String> outputCost();

    /** Kong 3.14's cost of a million prompt tokens read from the upstream's cache; unset, the input cost. */
    Optional<String> cacheReadCost();

    /**
     * Whether an {@code openai}-format target talks to Mistral's cloud API and so gets its
     * request hygiene; unset means: yes when there is no upstream URL or its host is
     * {@code api.mistral.ai} or {@code codestral.mistral.ai}; read as text, as {@link #dropUnsupported},
     * so that a typo (or a template) is a start-up error, not a silent {@code false}.
     */
    Optional<String> mistralCloud();

    /**
     * {@code true}: request fields the target cannot honour are dropped and named in the
     * answer's {@code X-AI-Proxy-Dropped} header rather than refused; read as text so that a
     * typo is a start-up error, not a silent {@code false}.
     */
    Optional<String> dropUnsupported();

    /**
     * Ollama-only settings for {@code ollama}-format targets, e.g. {@code num_ctx},
     * {@code repeat_penalty} (into Ollama's {@code options}) or {@code keep_alive}.
     */
    Map<String, String> ollama();
}
