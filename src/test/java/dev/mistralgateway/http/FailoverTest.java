package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.SseBody;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Failover through the Lambda handler, with real upstreams that fail in each way a failover
 * criterion names. Routes use the priority algorithm so that target 0 is always tried first.
 */
@QuarkusTest
@QuarkusTestResource(value = FailoverTest.Routes.class, restrictToAnnotatedClass = true)
class FailoverTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/failover", "llm/v1/chat", "openai", upstream.url("/a/v1/chat/completions"))
                    .alsoTarget(0, 1, "openai", upstream.url("/b/v1/chat/completions"), 50)
                    .routeSetting(0, "balancer.algorithm", "priority")
                    .routeSetting(0, "balancer.failover-criteria", "error,timeout,http_429,http_500,non_idempotent")
                    .routeSetting(0, "balancer.read-timeout", "500")
                    // the seed's Mistral.ai target, unreachable here, with a local Ollama as fallback
                    .route(1, "/mistral-chat", "llm/v1/chat", "openai",
                            "http://127.0.0.1:" + UpstreamResource.closedPort() + "/v1/chat/completions")
                    .target(1, "model.name", "mistral-tiny")
                    .target(1, "auth.header-name", "Authorization")
                    .target(1, "auth.header-value", "Bearer mistral-key")
                    .alsoTarget(1, 1, "ollama", upstream.url("/api/chat"), 1)
                    .target(1, 1, "model.name", "mistral")
                    .routeSetting(1, "balancer.algorithm", "priority")
                    .routeSetting(1, "balancer.failover-criteria",
                            "error,timeout,http_429,http_500,http_502,http_503,non_idempotent")
                    .route(2, "/limit", "llm/v1/chat", "openai", upstream.url("/c/v1/chat/completions"))
                    .alsoTarget(2, 1, "openai", upstream.url("/d/v1/chat/completions"), 90)
                    .alsoTarget(2, 2, "openai", upstream.url("/e/v1/chat/completions"), 80)
                    .routeSetting(2, "balancer.algorithm", "priority")
                    .routeSetting(2, "balancer.retries", "1")
                    .routeSetting(2, "balancer.failover-criteria", "http_500,non_idempotent")
                    .route(3, "/breaker", "llm/v1/chat", "openai", upstream.url("/f/v1/chat/completions"))
                    .alsoTarget(3, 1, "openai", upstream.url("/g/v1/chat/completions"), 50)
                    .routeSetting(3, "balancer.algorithm", "priority")
                    .routeSetting(3, "balancer.failover-criteria", "http_500,non_idempotent")
                    .routeSetting(3, "balancer.max-fails", "1")
                    .routeSetting(3, "balancer.fail-timeout", "3000")
                    .build();
        }
    }

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GOOD = kong("mistral/llm-v1-chat/responses/good.json");

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        upstream.reply("/b/v1/chat/completions", Reply.json(200, GOOD));
    }

    private List<String> pathsTried() {
        return upstream.received().stream().map(Received::path).toList();
    }

    private static void servedBy(Response response, int target, int attempts) {
        response.then().header("X-AI-Proxy-Target", String.valueOf(target))
                .header("X-AI-Proxy-Attempts", String.valueOf(attempts));
    }

    @Test
    void anUpstream500MovesToTheNextTarget() {
        upstream.reply("/a/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));

        Response response = post("/failover", CHAT);

        response.then().statusCode(200);
        servedBy(response, 1, 2);
        assertSameJson(GOOD, response.asString());
        assertEquals(List.of("/a/v1/chat/completions", "/b/v1/chat/completions"), pathsTried());
    }

    @Test
    void anUpstream429MovesToTheNextTarget() {
        upstream.reply("/a/v1/chat/completions", Reply.json(429, "{\"error\":{\"message\":\"slow\"}}"));

        Response response = post("/failover", CHAT);

        response.then().statusCode(200);
        servedBy(response, 1, 2);
    }

    @Test
    void aReadTimeoutMovesToTheNextTarget() {
        upstream.reply("/a/v1/chat/completions", Reply.json(200, GOOD).delayedBy(Duration.ofSeconds(2)));

        Response response = post("/failover", CHAT);

        response.then().statusCode(200);
        servedBy(response, 1, 2);
    }

    @Test
    void aClientErrorFromTheUpstreamIsAnsweredWithoutFailover() {
        upstream.reply("/a/v1/chat/completions", Reply.json(400, "{\"error\":{\"message\":\"bad field\"}}"));

        Response response = post("/failover", CHAT);

        response.then().statusCode(400).body("error.message", equalTo("bad field"));
        servedBy(response, 0, 1);
        assertEquals(List.of("/a/v1/chat/completions"), pathsTried());
    }

    @Test
    void mistralDownFallsBackToOllamaTranslatedForIt() {
        upstream.reply("/api/chat", Reply.json(200, kong("unit/real-responses/mistral/ollama/llm-v1-chat.json")));

        Response response = post("/mistral-chat", kong("unit/requests/llm-v1-chat.json"));

        response.then().statusCode(200)
                .header("X-AI-Proxy-Model", "mistral/mistral")
                .body("object", equalTo("chat.completion"))
                .body("usage.total_tokens", equalTo(126));
        servedBy(response, 1, 2);
        Received sent = upstream.only();
        assertEquals("/api/chat", sent.path());
        assertEquals(null, sent.header("Authorization"), "the Mistral key stays with the Mistral target");
        assertEquals("mistral", tree(sent.bodyText()).get("model").textValue());
        assertEquals(6, tree(sent.bodyText()).get("messages").size());
    }

    @Test
    void retriesStopAtTheLimitWithTheLastError() {
        upstream.reply("/c/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"c failed\"}}"));
        upstream.reply("/d/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"d failed\"}}"));
        upstream.reply("/e/v1/chat/completions", Reply.json(200, GOOD));

        Response response = post("/limit", CHAT);

        response.then().statusCode(500).body("error.message", equalTo("d failed"));
        servedBy(response, 1, 2);
        assertEquals(List.of("/c/v1/chat/completions", "/d/v1/chat/completions"), pathsTried());
    }

    @Test
    void aStreamFailsOverBeforeItsFirstEventButNeverAfter() {
        upstream.reply("/a/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        upstream.reply("/b/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(5),
                List.of("data: {\"n\":1}\n\n".getBytes(), "data: [DONE]\n\n".getBytes())));
        String stream = CHAT.replace("\"model\":\"m\"", "\"model\":\"m\",\"stream\":true");

        Response failedOver = post("/failover", stream);
        failedOver.then().statusCode(200);
        servedBy(failedOver, 1, 2);
        assertEquals(List.of("{\"n\":1}", "[DONE]"), SseBody.data(failedOver.asString()));

        upstream.reset();
        upstream.reply("/a/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(300), List.of(
                "data: {\"n\":1}\n\n".getBytes(), new byte[0], new byte[0], "data: {\"n\":2}\n\n".getBytes())));
        upstream.reply("/b/v1/chat/completions", Reply.json(200, GOOD));

        List<String> events = SseBody.data(post("/failover", stream).then().statusCode(200).extract().asString());

        assertEquals("{\"n\":1}", events.get(0));
        assertTrue(tree(events.get(1)).at("/error/message").textValue()
                .startsWith("The upstream server is timing out: no answer from"));
        assertEquals(List.of("/a/v1/chat/completions"), pathsTried(), "no retry once an event went out");
    }

    /** The README's promise: a stream fails over until its first event, also after the upstream's 200. */
    @Test
    void aStreamThatBreaksAfterItsHeadersButBeforeAnyEventFailsOver() {
        String stream = CHAT.replace("\"model\":\"m\"", "\"model\":\"m\",\"stream\":true");
        // 200 and then silence past the read timeout; then a stream that ends before its first event
        upstream.reply("/a/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(800),
                List.of("data: {\"late\":1}\n\n".getBytes())));
        upstream.reply("/b/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(5),
                List.of("data: {\"n\":1}\n\n".getBytes(), "data: [DONE]\n\n".getBytes())));

        Response timedOut = post("/failover", stream);
        timedOut.then().statusCode(200);
        servedBy(timedOut, 1, 2);
        assertEquals(List.of("{\"n\":1}", "[DONE]"), SseBody.data(timedOut.asString()));

        upstream.reset();
        upstream.reply("/a/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of(": a comment, then the end\n\n".getBytes())));
        upstream.reply("/b/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of("data: {\"n\":2}\n\n".getBytes(), "data: [DONE]\n\n".getBytes())));

        Response ended = post("/failover", stream);
        servedBy(ended, 1, 2);
        assertEquals(List.of("{\"n\":2}", "[DONE]"), SseBody.data(ended.asString()));
    }

    /** An answer cut short is a failure of its target, and its client is told, never given [DONE]. */
    @Test
    void aStreamCutShortIsNoSuccess() {
        String stream = CHAT.replace("\"model\":\"m\"", "\"model\":\"m\",\"stream\":true");
        upstream.reply("/a/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of("data: {\"n\":1}\n\n".getBytes(), "data: {\"n\":2}\n\n".getBytes())));

        List<String> events = SseBody.data(post("/failover", stream).then().statusCode(200).extract().asString());

        assertEquals(3, events.size(), events.toString());
        assertEquals("the upstream's stream ended before its [DONE]: the answer may be cut short",
                tree(events.get(2)).at("/error/message").textValue());
        assertTrue(events.stream().noneMatch("[DONE]"::equals));
    }

    @Test
    void theBreakerTakesAFailingTargetOutThenTriesItAgain() throws InterruptedException {
        upstream.reply("/f/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"f down\"}}"));
        upstream.reply("/g/v1/chat/completions", Reply.json(200, GOOD));

        servedBy(post("/breaker", CHAT), 1, 2);
        servedBy(post("/breaker", CHAT), 1, 1);
        assertEquals(List.of("/f/v1/chat/completions", "/g/v1/chat/completions", "/g/v1/chat/completions"),
                pathsTried());

        Thread.sleep(3200); // past the fail timeout (3 s: long enough that a busy machine's second request still finds the breaker open)
        upstream.reply("/f/v1/chat/completions", Reply.json(200, GOOD));
        servedBy(post("/breaker", CHAT), 0, 1);
        servedBy(post("/breaker", CHAT), 0, 1);
    }

    @Test
    void anUnreachableTargetAloneIs502WithTheAttemptsCounted() {
        // route 1 without its fallback would be this: here the fallback fails too, so both are tried
        upstream.reply("/api/chat", Reply.json(503, "{\"error\":\"overloaded\"}"));

        Response response = post("/mistral-chat", kong("unit/requests/llm-v1-chat.json"));

        response.then().statusCode(503).contentType(startsWith("application/json"))
                .body("error.message", equalTo("overloaded"));
        servedBy(response, 1, 2);
    }
}
