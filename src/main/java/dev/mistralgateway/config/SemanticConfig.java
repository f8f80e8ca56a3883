package dev.mistralgateway.config;

import java.util.Optional;

/**
 * Kong's {@code embeddings} and {@code vectordb} blocks of a route, for the {@code semantic}
 * balancer, loosely typed as the environment gives them ({@code AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_NAME},
 * {@code AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD}, ...); {@link dev.mistralgateway.validation.SemanticSettings} validates them.
 */
public interface SemanticConfig {

    /** The model that embeds the targets' descriptions and each request's prompt. */
    interface Embeddings {
        /** The same auth settings as a target's. */
        AuthConfig auth();

        Model model();
    }

    interface Model {
        Optional<String> provider();

        Optional<String> name();

        Options options();
    }

    interface Options {
        /** Not in Kong's embeddings block (its mistral provider speaks Mistral's API): {@code openai} when unset. */
        Optional<String> mistralFormat();

        Optional<String> upstreamUrl();

        /** Per million input tokens, as a target's; not in Kong's block, which has no embeddings cost. */
        Optional<String> inputCost();
    }

    /**
     * How near a prompt must be to a description. Kong's {@code strategy}, {@code redis} and
     * {@code pgvector} name a vector store, which this gateway does not need: the vectors stay in memory.
     */
    interface Vectordb {
        Optional<String> distanceMetric();

        Optional<String> threshold();

        Optional<String> dimensions();
    }
}
