package dev.mistralgateway.clientapi.anthropic;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Anthropic's {@code Message} answer and its content blocks, as the official SDKs read them: every
 * field Anthropic always sends is here, null where the gateway has nothing to say.
 */
@RegisterForReflection
public record AnthropicMessage(String id, String type, String role, String model, List<Block> content,
        @JsonProperty("stop_reason") String stopReason, @JsonProperty("stop_sequence") String stopSequence,
        Usage usage) {

    public static final String TYPE = "message";

    /** One content block: {@link Text}, {@link Thinking} or {@link ToolUse}. */
    public sealed interface Block permits Text, Thinking, ToolUse {
    }

    @RegisterForReflection
    public record Text(String type, String text, List<Object> citations) implements Block {
        public static Text of(String text) {
            return new Text("text", text, null);
        }
    }

    /**
     * The upstream's reasoning. Anthropic signs its own thinking; the gateway's has no signature
     * (empty), and is dropped when a client sends it back.
     */
    @RegisterForReflection
    public record Thinking(String type, String thinking, String signature) implements Block {
        public static Thinking of(String thinking) {
            return new Thinking("thinking", thinking, "");
        }
    }

    @RegisterForReflection
    public record ToolUse(String type, String id, String name, JsonNode input, Caller caller) implements Block {
        public static ToolUse of(String id, String name, JsonNode input) {
            return new ToolUse("tool_use", id, name, input, Caller.DIRECT);
        }
    }

    /** Who called the tool: the model itself, as for every tool a chat target calls. */
    @RegisterForReflection
    public record Caller(String type) {
        static final Caller DIRECT = new Caller("direct");
    }

    /**
     * Token counts: {@code input_tokens} are those not read from the upstream's cache, which
     * {@code cache_read_input_tokens} counts where the upstream reports it (null otherwise).
     */
    @RegisterForReflection
    public record Usage(
            @JsonProperty("input_tokens") long inputTokens,
            @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("cache_creation_input_tokens") Long cacheCreationInputTokens,
            @JsonProperty("cache_read_input_tokens") Long cacheReadInputTokens) {
    }
}
