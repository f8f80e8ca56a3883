package dev.mistralgateway.upstream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.SseBody;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A misbehaving upstream that sends an endless answer, or one endless event, is read only up to
 * {@code AI_PROXY_UPSTREAM_MAX_ANSWER_BYTES} / {@code ..._MAX_EVENT_BYTES}: then the call is cancelled and the
 * client gets a 502 (or, in a stream already begun, an error event), and the heap holds no more than that.
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamBoundsTest.Routes.class, restrictToAnnotatedClass = true)
class UpstreamBoundsTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(0, "/chat", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(0, "model.name", "m")
                    .route(1, "/ollama", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(1, "model.name", "m")
                    .build());
            settings.put("ai-proxy.upstream.max-answer-bytes", "65536");
            settings.put("ai-proxy.upstream.max-event-bytes", "4096");
            return settings;
        }
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An answer of 10 MB in pieces of 1 KB, a little at a time: as good as endless for a 64 KB cap. */
    private static List<byte[]> endless(String start) {
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(bytes(start));
        pieces.addAll(Collections.nCopies(10_000, bytes("x".repeat(1024))));
        return pieces;
    }

    @Test
    void aWholeAnswerPastTheCapIsA502AndTheCallIsCancelled() throws Exception {
        upstream.reply("/v1/chat/completions", new Reply(200, Map.of("Content-Type", "application/json"), new byte[0],
                Duration.ZERO, endless("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\""),
                Duration.ofMillis(1)));

        given().contentType("application/json").body(CHAT).post("/chat").then().statusCode(502)
                .body("error.message", equalTo("An invalid response was received from the upstream server: the answer of "
                        + "127.0.0.1:" + upstream.port() + " is larger than 65536 bytes, the most the gateway reads "
                        + "(AI_PROXY_UPSTREAM_MAX_ANSWER_BYTES)"));
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(5));
        assertEquals(1, upstream.streamsAbandoned(), "the upstream call went on");
        assertTrue(upstream.chunksSent() < 1_000, "read " + upstream.chunksSent() + " KB before stopping");
    }

    @Test
    void anEndlessFirstEventIsA502() throws Exception {
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(1),
                endless("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")));

        given().contentType("application/json").body(STREAM).post("/chat").then().statusCode(502)
                .body("error.message", equalTo("An invalid response was received from the upstream server: an event of "
                        + "127.0.0.1:" + upstream.port() + " is larger than 4096 bytes, the most the gateway reads "
                        + "(AI_PROXY_UPSTREAM_MAX_EVENT_BYTES)"));
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(5));
        assertEquals(1, upstream.streamsAbandoned());
    }

    @Test
    void anEndlessEventAfterOthersEndsTheStreamWithAnErrorEventWhileLongStreamsOfSmallEventsPass() throws Exception {
        List<byte[]> pieces = new ArrayList<>();
        // 200 KB of events of 1 KB each: the answer as a whole may be far larger than one event
        for (int i = 0; i < 200; i++) {
            pieces.add(bytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "y".repeat(960) + "\"}}]}\n\n"));
        }
        pieces.addAll(endless("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""));
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO, pieces));

        String body = given().contentType("application/json").body(STREAM).post("/chat").then().statusCode(200)
                .extract().asString();

        List<String> events = SseBody.data(body);
        assertEquals(201, events.size());
        assertTrue(Json.tree(events.get(200)).at("/error/message").textValue().contains("is larger than 4096 bytes"),
                events.get(200));
    }

    @Test
    void anEndlessOllamaLineIsA502() {
        upstream.reply("/api/chat", Reply.stream("application/x-ndjson", Duration.ofMillis(1),
                endless("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"")));

        given().contentType("application/json").body(STREAM).post("/ollama").then().statusCode(502)
                .body("error.message", equalTo("An invalid response was received from the upstream server: an event of "
                        + "127.0.0.1:" + upstream.port() + " is larger than 4096 bytes, the most the gateway reads "
                        + "(AI_PROXY_UPSTREAM_MAX_EVENT_BYTES)"));
    }
}
