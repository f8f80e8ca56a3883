package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.UpstreamResource;

/**
 * The packaged server as it is deployed (prod profile, nothing set about errors): a failed upstream call
 * tells the client its kind and request id, never the internal host:port or a variable name; the JSON log
 * line with that request id has them; an upstream key in the query is in no line of the log.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ServerUpstreamFailureIT {

    private static final String QUERY_SECRET = "sk-query-secret-it-77d2";
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static FakeUpstream upstream;
    private static RunningGateway gateway;
    private static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        closedPort = UpstreamResource.closedPort();
        Map<String, String> env = new HashMap<>(RunningGateway.chatRoute("/down",
                "http://127.0.0.1:" + closedPort + "/v1/chat/completions"));
        env.putAll(RunningGateway.chatRoute(1, "/slow", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__AUTH_PARAM_NAME", "key");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__AUTH_PARAM_VALUE", QUERY_SECRET);
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__AUTH_PARAM_LOCATION", "query");
        env.put("AI_PROXY_ROUTES_1__BALANCER_READ_TIMEOUT", "300");
        gateway = RunningGateway.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        RunningGateway.stop(gateway, upstream);
    }

    private static HttpResponse<String> post(String path, String requestId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRefusedConnectionTellsTheClientItsKindAndTheLogTheHost() throws Exception {
        HttpResponse<String> answer = post("/down", "req-it-refused");

        assertEquals(502, answer.statusCode(), answer.body());
        assertEquals("An invalid response was received from the upstream server: the connection was refused "
                + "(request req-it-refused; the gateway's log has the details)",
                Json.tree(answer.body()).at("/error/message").textValue());
        assertFalse(answer.body().contains(String.valueOf(closedPort)), answer.body());
        String line = logLineWith("req-it-refused");
        assertTrue(line.contains("127.0.0.1:" + closedPort), line);
    }

    @Test
    void aTimeoutSaysAfterHowLongAndTheQueryKeyIsInNoLogLine() throws Exception {
        upstream.reply("/v1/chat/completions", Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json"))
                .delayedBy(Duration.ofSeconds(2)));

        HttpResponse<String> answer = post("/slow", "req-it-slow");

        assertEquals(504, answer.statusCode(), answer.body());
        assertEquals("The upstream server is timing out: no answer within 300 ms "
                + "(request req-it-slow; the gateway's log has the details)",
                Json.tree(answer.body()).at("/error/message").textValue());
        String line = logLineWith("req-it-slow");
        assertTrue(line.contains("AI_PROXY_ROUTES_1__BALANCER_READ_TIMEOUT"), line);
        assertEquals("key=" + QUERY_SECRET, upstream.only().query());
        assertFalse(gateway.logText().contains(QUERY_SECRET), gateway.logText());
    }

    /** The one log line (JSON, as in production) of the upstream client that names this request id. */
    private static String logLineWith(String requestId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<String> lines = gateway.logText().lines()
                    .filter(line -> line.contains(requestId) && line.contains("UpstreamClient")).toList();
            if (!lines.isEmpty() || System.nanoTime() > deadline) {
                assertEquals(1, lines.size(), gateway.logText());
                assertEquals(requestId, Json.tree(lines.get(0)).at("/mdc/requestId").textValue(), lines.get(0));
                return lines.get(0);
            }
            Thread.sleep(50);
        }
    }
}
