package dev.mistralgateway.route;

import java.util.Optional;

/**
 * Kong's {@code route_type}: which OpenAI operation a route speaks, or {@code preserve}: none, the
 * client's body goes to the target's {@code upstream_path} as it came (Mistral's other endpoints).
 */
public enum RouteType {
    CHAT("llm/v1/chat"),
    COMPLETIONS("llm/v1/completions"),
    EMBEDDINGS("llm/v1/embeddings"),
    PRESERVE("preserve");

    private final String id;

    RouteType(String id) {
        this.id = id;
    }

    /** Kong's spelling, e.g. {@code llm/v1/chat}, as used in configuration and error messages. */
    public String id() {
        return id;
    }

    /** Whether answers of this type may stream; embeddings come whole. */
    public boolean streams() {
        return this != EMBEDDINGS;
    }

    public static Optional<RouteType> fromId(String id) {
        for (RouteType type : values()) {
            if (type.id.equals(id)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
