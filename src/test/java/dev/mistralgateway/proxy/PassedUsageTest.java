package dev.mistralgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.testing.FakeUpstream.Reply;

/** The usage a preserve route reads from answers it passes through unread, without Quarkus. */
class PassedUsageTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private Usage ofAnswer(String contentType, String body) {
        return PassedUsage.ofAnswer(mapper, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonAnswersTokenCountsAreItsUsage() {
        assertEquals(new Usage(4, 35, 39, null), ofAnswer("application/json; charset=utf-8",
                "{\"text\":\"Hi\",\"usage\":{\"prompt_audio_seconds\":3,\"prompt_tokens\":4,\"total_tokens\":39,"
                        + "\"completion_tokens\":35}}"));
        // no total: the sum
        assertEquals(new Usage(5, 2, 7, null), ofAnswer("application/json",
                "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}"));
    }

    @Test
    void noTokenCountsIsNoUsage() {
        assertNull(ofAnswer("application/json", "{\"usage_info\":{\"pages_processed\":1,\"doc_size_bytes\":3912}}"));
        assertNull(ofAnswer("application/json", "{\"id\":\"mod-1\",\"results\":[]}"));
        assertNull(ofAnswer("application/json", "not json"));
        assertNull(ofAnswer("application/octet-stream", "{\"usage\":{\"prompt_tokens\":5}}"));
        assertNull(ofAnswer(null, "{\"usage\":{\"prompt_tokens\":5}}"));
    }

    @Test
    void aStreamsLastEventWithUsageCountsWhereverItsBytesWereCut() {
        String events = "event: transcription.text.delta\ndata: {\"type\":\"transcription.text.delta\",\"text\":\"usage\"}\n\n"
                + "event: a\ndata: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n"
                + "event: transcription.done\ndata: {\"type\":\"transcription.done\",\"usage\":{\"prompt_tokens\":3,"
                + "\"total_tokens\":10,\"completion_tokens\":7}}\n\n"
                + "event: ping\ndata: {}\n\n";
        PassedUsage usage = new PassedUsage(mapper);
        for (byte[] piece : Reply.piecesOf(events, 7)) {
            usage.feed(piece);
        }
        assertEquals(new Usage(3, 7, 10, null), usage.usage());
    }

    @Test
    void aStreamWithoutUsageHasNone() {
        PassedUsage usage = new PassedUsage(mapper);
        usage.feed("data: {\"type\":\"message.output.delta\",\"content\":\"Hi\"}\n\n".getBytes(StandardCharsets.UTF_8));
        assertNull(usage.usage());
    }
}
