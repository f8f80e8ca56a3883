package dev.mistralgateway.upstream;

import static dev.mistralgateway.testing.Fixtures.kong;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.LoggedRecords;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A failed upstream call as a packaged function answers it ({@code ai-proxy.upstream.error-detail=false}, the
 * default of the prod profile): the client learns the kind of failure and its request id, never an internal
 * host:port or a variable name; the WARN line with that request id has the rest. An upstream key sent as a
 * query parameter appears in no log line, not even in the text of the HTTP client's own exceptions. (The test
 * profile keeps dev mode's detail, which {@code OpenAiRouteTest} checks.)
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamFailureTest.Routes.class, restrictToAnnotatedClass = true)
class UpstreamFailureTest {

    static final String QUERY_SECRET = "sk-query-secret-5f1c";

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(0, "/down", "llm/v1/chat", "openai",
                            "http://127.0.0.1:" + UpstreamResource.closedPort() + "/v1/chat/completions")
                    .target(0, "model.name", "m")
                    .route(1, "/slow", "llm/v1/chat", "openai", upstream.url("/slow/v1/chat/completions"))
                    .target(1, "model.name", "m")
                    .target(1, "auth.param-name", "key")
                    .target(1, "auth.param-value", QUERY_SECRET)
                    .target(1, "auth.param-location", "query")
                    .routeSetting(1, "balancer.read-timeout", "300")
                    .route(2, "/unresolvable", "llm/v1/chat", "openai", "http://upstream.invalid/v1/chat/completions")
                    .target(2, "model.name", "m")
                    .build());
            settings.put("ai-proxy.upstream.error-detail", "false");
            settings.put("%test.ai-proxy.upstream.error-detail", "false");
            return settings;
        }
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static Response post(String path, String requestId) {
        return given().contentType("application/json").header("X-Request-Id", requestId).body(CHAT).post(path);
    }

    @Test
    void aRefusedConnectionSaysSoAndTheRequestIdTheLogHasTheRest() {
        try (LoggedRecords log = LoggedRecords.atLeast(Level.WARNING)) {
            String message = post("/down", "req-refused-1").then().statusCode(502).extract().path("error.message");

            assertEquals("An invalid response was received from the upstream server: the connection was refused "
                    + "(request req-refused-1; the gateway's log has the details)", message);
            String line = onlyLineOf(log, "req-refused-1");
            assertTrue(line.contains("http://127.0.0.1:") && line.contains("was refused: nothing listens there"), line);
        }
    }

    @Test
    void anUnresolvableHostSaysSoWithoutItsName() {
        String message = post("/unresolvable", "req-dns-1").then().statusCode(502).extract().path("error.message");

        assertEquals("An invalid response was received from the upstream server: the upstream's host name could not "
                + "be resolved (request req-dns-1; the gateway's log has the details)", message);
    }

    @Test
    void aTimeoutSaysAfterHowLongAndNamesNoVariable() {
        upstream.reply("/slow/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json"))
                .delayedBy(Duration.ofSeconds(2)));
        try (LoggedRecords log = LoggedRecords.atLeast(Level.WARNING)) {
            String message = post("/slow", "req-slow-1").then().statusCode(504).extract().path("error.message");

            assertEquals("The upstream server is timing out: no answer within 300 ms "
                    + "(request req-slow-1; the gateway's log has the details)", message);
            String line = onlyLineOf(log, "req-slow-1");
            assertTrue(line.contains("AI_PROXY_ROUTES_1__BALANCER_READ_TIMEOUT") && line.contains(":" + upstream.port()),
                    line);
        }
    }

    /** Vert.x's timeout exception quotes the request's URI, query included: that text must not reach a log. */
    @Test
    void aQueryKeyIsInNoLogLineWhenTheUpstreamIsSlow() {
        upstream.reply("/slow/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json"))
                .delayedBy(Duration.ofSeconds(2)));
        try (LoggedRecords log = LoggedRecords.atLeast(Level.ALL)) {
            post("/slow", "req-slow-2").then().statusCode(504);

            // the key did go to the upstream, in the query
            assertEquals("key=" + QUERY_SECRET, upstream.only().query());
            List<String> texts = log.texts();
            assertTrue(texts.stream().anyMatch(text -> text.contains("req-slow-2")), texts::toString);
            for (String text : texts) {
                assertFalse(text.contains(QUERY_SECRET), "the query key is in a log line: " + text);
            }
        }
    }

    /** The one WARN line of the upstream client that names this request id. */
    private static String onlyLineOf(LoggedRecords log, String requestId) {
        List<String> lines = log.texts().stream().filter(text -> text.contains(requestId)).toList();
        assertEquals(1, lines.size(), () -> String.join("\n", log.texts()));
        return lines.get(0);
    }
}
