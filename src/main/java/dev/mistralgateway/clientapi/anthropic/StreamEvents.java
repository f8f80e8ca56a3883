package dev.mistralgateway.clientapi.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The data of each event of Anthropic's Messages stream; the SSE event name is its {@code type}. */
final class StreamEvents {

    private StreamEvents() {
    }

    /** Any event's data: its {@code type} is also the event's name. */
    interface Event {
        String type();
    }

    @RegisterForReflection
    record MessageStart(String type, AnthropicMessage message) implements Event {
        MessageStart(AnthropicMessage message) {
            this("message_start", message);
        }
    }

    @RegisterForReflection
    record Ping(String type) implements Event {
        static final Ping PING = new Ping("ping");
    }

    @RegisterForReflection
    record BlockStart(String type, int index, @JsonProperty("content_block") AnthropicMessage.Block contentBlock)
            implements
                Event {
        BlockStart(int index, AnthropicMessage.Block contentBlock) {
            this("content_block_start", index, contentBlock);
        }
    }

    @RegisterForReflection
    record BlockDelta(String type, int index, Delta delta) implements Event {
        BlockDelta(int index, Delta delta) {
            this("content_block_delta", index, delta);
        }
    }

    /** One of {@code text_delta}, {@code thinking_delta}, {@code input_json_delta}: the field of its kind only. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String type, String text, String thinking, @JsonProperty("partial_json") String partialJson) {
        static Delta text(String text) {
            return new Delta("text_delta", text, null, null);
        }

        static Delta thinking(String thinking) {
            return new Delta("thinking_delta", null, thinking, null);
        }

        static Delta inputJson(String partialJson) {
            return new Delta("input_json_delta", null, null, partialJson);
        }
    }

    @RegisterForReflection
    record BlockStop(String type, int index) implements Event {
        BlockStop(int index) {
            this("content_block_stop", index);
        }
    }

    @RegisterForReflection
    record MessageDelta(String type, Stop delta, AnthropicMessage.Usage usage) implements Event {
        MessageDelta(Stop delta, AnthropicMessage.Usage usage) {
            this("message_delta", delta, usage);
        }
    }

    @RegisterForReflection
    record Stop(@JsonProperty("stop_reason") String stopReason, @JsonProperty("stop_sequence") String stopSequence) {
    }

    @RegisterForReflection
    record MessageStop(String type) implements Event {
        static final MessageStop STOP = new MessageStop("message_stop");
    }
}
