package dev.mistralgateway.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.CachedTokens;
import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.stream.SseEvents;

/**
 * The token counts of an answer a {@code preserve} route passes through unread: its {@code usage}
 * object when it has one with token counts (Mistral's chat, conversations, agents and transcription
 * answers do; OCR's {@code usage_info} counts pages, not tokens, and moderations count none), from a
 * JSON answer whole or from the events of a stream as they go by, the last one that carries it.
 */
final class PassedUsage {

    private final ObjectMapper mapper;
    private final SseEvents events = new SseEvents();
    private Usage last;

    PassedUsage(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The usage of a whole answer, or null when it is no JSON or counts no tokens. */
    static Usage ofAnswer(ObjectMapper mapper, String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            return null;
        }
        return read(mapper, body);
    }

    /** Reads the events in these bytes of a stream; the bytes themselves go on untouched. */
    void feed(byte[] bytes) {
        for (String data : events.feed(bytes)) {
            // most events carry no usage: only those that name it are parsed
            if (data.contains("\"usage\"")) {
                Usage usage = read(mapper, data.getBytes(StandardCharsets.UTF_8));
                if (usage != null) {
                    last = usage;
                }
            }
        }
    }

    /** The last usage a stream's events carried, or null. */
    Usage usage() {
        return last;
    }

    private static Usage read(ObjectMapper mapper, byte[] json) {
        JsonNode usage;
        try {
            usage = mapper.readTree(json).path("usage");
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
        if (!usage.path("prompt_tokens").isNumber() && !usage.path("total_tokens").isNumber()) {
            return null;
        }
        long prompt = usage.path("prompt_tokens").asLong();
        long completion = usage.path("completion_tokens").asLong();
        long total = usage.path("total_tokens").isNumber() ? usage.get("total_tokens").asLong() : prompt + completion;
        Long cached = CachedTokens.of(usage);
        return new Usage(prompt, completion, total, cached == null ? null : new Usage.PromptTokensDetails(cached));
    }
}
