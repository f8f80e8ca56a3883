package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Json.tree;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.LoggedRecords;
import dev.mistralgateway.testing.SseBody;
import dev.mistralgateway.testing.TelemetryLines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A route's stream limits (max_stream_seconds, max_stream_tokens) against an upstream that never
 * stops: the stream ends at the limit with an error event that says why, and the upstream call is
 * cancelled, so a streaming function is not billed for an answer nobody reads.
 */
@QuarkusTest
@QuarkusTestResource(value = StreamLimitsTest.Routes.class, restrictToAnnotatedClass = true)
class StreamLimitsTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/timed", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .routeSetting(0, "max-stream-seconds", "1")
                    .target(0, "logging.log-statistics", "true")
                    .route(1, "/capped", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .routeSetting(1, "max-stream-tokens", "5")
                    .target(1, "logging.log-statistics", "true")
                    .route(2, "/ollama-capped", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .routeSetting(2, "max-stream-tokens", "3")
                    .route(3, "/unlimited", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .build();
        }
    }

    private static final String CHAT = "{\"model\":\"mistral-tiny\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story that never ends\"}]}";
    private static final byte[] SSE_TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"la \"}}]}\n\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] OLLAMA_TOKEN = ("{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\","
            + "\"content\":\"la \"},\"done\":false}\n").getBytes(StandardCharsets.UTF_8);

    @InjectUpstream
    FakeUpstream upstream;

    /** Warnings and errors logged while a test runs. */
    private LoggedRecords warnings;
    /** The statistics line of each request. */
    private TelemetryLines telemetry;

    @BeforeEach
    void reset() {
        upstream.reset();
        warnings = LoggedRecords.atLeast(Level.WARNING);
        telemetry = TelemetryLines.listen();
    }

    @AfterEach
    void stopListening() {
        warnings.close();
        telemetry.close();
    }

    /** The status the statistics line reports for the one request of the test. */
    private int reportedStatus() throws InterruptedException {
        return telemetry.only(Duration.ofSeconds(2)).at("/ai_proxy/meta/status").intValue();
    }

    /** A token every 20 ms, for over half an hour: an upstream that, for a test, never stops. */
    private static Reply endless(String contentType, byte[] token) {
        return Reply.stream(contentType, Duration.ofMillis(20), Collections.nCopies(100_000, token));
    }

    private static List<String> events(Response response) {
        response.then().statusCode(200).contentType(startsWith("text/event-stream"));
        return SseBody.data(response.asString());
    }

    private void assertUpstreamCancelled() throws InterruptedException {
        // the fake upstream notices when its next write fails, one pause later
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(2));
        assertEquals(1, upstream.streamsAbandoned(), "the upstream call was not cancelled");
        int sent = upstream.chunksSent();
        Thread.sleep(200);
        assertEquals(sent, upstream.chunksSent(), "the upstream kept streaming after the limit");
        // the gateway ended the call itself: nothing failed, so nothing is logged as a failure
        assertEquals(List.of(), warnings.lines());
    }

    @Test
    void aStreamRunningPastItsTimeLimitEndsWithAnErrorEvent() throws Exception {
        upstream.reply("/v1/chat/completions", endless("text/event-stream", SSE_TOKEN));

        long start = System.nanoTime();
        List<String> events = events(post("/timed", CHAT));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMs >= 1_000 && tookMs < 5_000, "the stream ended after " + tookMs + " ms, not about 1 s");
        assertTrue(events.size() > 10, "tokens streamed before the limit: " + events.size());
        events.subList(0, events.size() - 1).forEach(event -> assertEquals("la ",
                tree(event).at("/choices/0/delta/content").textValue()));
        JsonNode error = tree(events.get(events.size() - 1)).get("error");
        assertEquals("stream_time_limit", error.get("code").textValue());
        assertEquals("the answer was cut after 1 s, the longest this route streams; ask for a shorter answer "
                + "with max_tokens", error.get("message").textValue());
        assertUpstreamCancelled();
        assertEquals(504, reportedStatus(), "a stream cut at the time limit is no 200 success");
    }

    /**
     * The upstream sends [DONE] before the time limit but closes its answer only after it: the client got a
     * complete answer, which ends with that [DONE] and nothing after it, and is reported as a success.
     */
    @Test
    void aDoneJustBeforeTheTimeLimitIsTheLastEvent() throws Exception {
        List<byte[]> answer = List.of(SSE_TOKEN, "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8),
                ": the upstream keeps the answer open\n\n".getBytes(StandardCharsets.UTF_8),
                ": a little longer\n\n".getBytes(StandardCharsets.UTF_8),
                ": and longer\n\n".getBytes(StandardCharsets.UTF_8));
        // [DONE] at about 0.6 s, the answer's end at about 1.5 s, past the route's 1 s
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(300), answer));

        List<String> events = events(post("/timed", CHAT));

        assertEquals(List.of("la ", "[DONE]"), events.stream().map(event -> event.equals("[DONE]") ? event
                : tree(event).at("/choices/0/delta/content").asText(event)).toList());
        assertEquals(200, reportedStatus());
        // (the upstream's stream ends, one way or the other, before the next test counts streams)
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(3));
    }

    @Test
    void aStreamPastItsTokenCapEndsWithAnErrorEvent() throws Exception {
        upstream.reply("/v1/chat/completions", endless("text/event-stream", SSE_TOKEN));

        List<String> events = events(post("/capped", CHAT));

        assertEquals(6, events.size(), String.join("\n", events));
        events.subList(0, 5).forEach(event -> assertEquals("la ", tree(event).at("/choices/0/delta/content").textValue()));
        JsonNode error = tree(events.get(5)).get("error");
        assertEquals("stream_token_limit", error.get("code").textValue());
        assertEquals("invalid_request_error", error.get("type").textValue());
        assertTrue(error.get("message").textValue().startsWith("the answer was cut after about 5 tokens"),
                error.toString());
        assertUpstreamCancelled();
        assertEquals(400, reportedStatus(), "a stream cut at the token cap is no 200 success");
    }

    /** Exactly as many events as the cap allows: the answer is complete, and ends as the upstream ended it. */
    @Test
    void anAnswerOfExactlyTheCapIsNotCut() throws Exception {
        List<byte[]> answer = new ArrayList<>(Collections.nCopies(5, SSE_TOKEN));
        answer.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO, answer));

        List<String> events = events(post("/capped", CHAT));

        assertEquals(6, events.size(), String.join("\n", events));
        assertEquals("[DONE]", events.get(5));
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(2));
        assertEquals(1, upstream.streamsCompleted());
    }

    @Test
    void ollamaLinesCountTowardsTheCapToo() throws Exception {
        upstream.reply("/api/chat", endless("application/x-ndjson", OLLAMA_TOKEN));

        List<String> events = events(post("/ollama-capped", CHAT));

        assertEquals(4, events.size(), String.join("\n", events));
        assertEquals("assistant", tree(events.get(0)).at("/choices/0/delta/role").textValue());
        events.subList(0, 3).forEach(event -> assertEquals("la ", tree(event).at("/choices/0/delta/content").textValue()));
        assertEquals("stream_token_limit", tree(events.get(3)).at("/error/code").textValue());
        assertUpstreamCancelled();
    }

    @Test
    void withoutLimitsAStreamRunsToItsEnd() throws InterruptedException {
        List<byte[]> answer = new ArrayList<>(Collections.nCopies(50, SSE_TOKEN));
        answer.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO, answer));

        List<String> events = events(post("/unlimited", CHAT));

        assertEquals(51, events.size());
        assertEquals("[DONE]", events.get(50));
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(2));
        assertEquals(1, upstream.streamsCompleted());
    }
}
