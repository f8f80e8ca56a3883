package dev.mistralgateway.answers;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An OpenAI embeddings answer: {@code {"object":"list","data":[...],"model","usage"}}. */
@RegisterForReflection
public record EmbeddingList(String object, List<Embedding> data, String model, Tokens usage) {

    public static final String OBJECT = "list";

    /**
     * One input's vector: an array of numbers, or their float32 bytes in base64 when the client
     * asked for {@code encoding_format: "base64"} (as the OpenAI SDK for Node.js does by default).
     */
    @RegisterForReflection
    public record Embedding(String object, int index, Object embedding) {
        public static final String OBJECT = "embedding";
    }

    /** Embeddings count input tokens only. */
    @RegisterForReflection
    public record Tokens(@JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("total_tokens") long totalTokens) {
    }
}
