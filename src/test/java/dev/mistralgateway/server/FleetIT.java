package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
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
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.RedisServer;

/**
 * A fleet: three packaged servers sharing one real redis-server, each request sent to the next
 * instance in turn, as Lambda spreads requests over its instances. What one instance learns holds
 * for all, a limit holds for the fleet, and a Redis that stops costs no request.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class FleetIT {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GOOD = Fixtures.kong("mistral/llm-v1-chat/responses/good.json");

    private static FakeUpstream upstream;
    private static RedisServer redis;
    private static final List<RunningGateway> fleet = new ArrayList<>();
    private static int next;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        redis = RedisServer.start();
        upstream.reply("/dead/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"down\"}}"));
        upstream.reply("/pause/v1/chat/completions", Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}")
                .withHeader("Retry-After", "30"));
        for (String path : List.of("/limited", "/tokens", "/ok")) {
            upstream.reply(path + "/v1/chat/completions", Reply.json(200, GOOD));
        }
        Map<String, String> env = new GatewaySettings()
                .route(0, "/dead", "llm/v1/chat", "openai", upstream.url("/dead/v1/chat/completions"))
                .routeSetting(0, "balancer.max-fails", "2")
                .routeSetting(0, "balancer.fail-timeout", "60000")
                .routeSetting(0, "balancer.failover-criteria", "error,timeout,http_500,non_idempotent")
                .route(1, "/pause", "llm/v1/chat", "openai", upstream.url("/pause/v1/chat/completions"))
                .route(2, "/limited", "llm/v1/chat", "openai", upstream.url("/limited/v1/chat/completions"))
                .routeSetting(2, "rate-limits[0].limit", "5")
                .routeSetting(2, "rate-limits[0].window-size", "60")
                .route(3, "/tokens", "llm/v1/chat", "openai", upstream.url("/tokens/v1/chat/completions"))
                .routeSetting(3, "rate-limits[0].limit", "100")
                .routeSetting(3, "rate-limits[0].window-size", "3600")
                .routeSetting(3, "rate-limits[0].counts", "total-tokens")
                .route(4, "/ok", "llm/v1/chat", "openai", upstream.url("/ok/v1/chat/completions"))
                .routeSetting(4, "rate-limits[0].limit", "1000")
                .routeSetting(4, "rate-limits[0].window-size", "60")
                .environment();
        env = new HashMap<>(env);
        env.put("QUARKUS_REDIS_HOSTS", redis.url());
        // every pick reads Redis, so that the figures below are exact; a deadline the loaded test machine keeps
        env.put("AI_PROXY_SHARED_STATE_FRESHNESS", "0");
        env.put("AI_PROXY_SHARED_STATE_DEADLINE", "1000");
        for (int i = 0; i < 3; i++) {
            fleet.add(RunningGateway.start(env));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (RunningGateway gateway : fleet) {
            gateway.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The next instance in turn. */
    private HttpResponse<String> post(String path) throws Exception {
        RunningGateway gateway = fleet.get(next++ % fleet.size());
        return client.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long received(String path) {
        return upstream.received().stream().filter(r -> r.path().startsWith(path)).count();
    }

    @Test
    void aDeadTargetIsTriedMaxFailsTimesForTheWholeFleet() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(post("/dead").statusCode());
        }
        assertEquals(List.of(500, 500, 503, 503, 503, 503), statuses);
        assertEquals(2, received("/dead"), "max_fails is 2 for the fleet, not per instance");
    }

    @Test
    void aRetryAfterHoldsForEveryInstance() throws Exception {
        assertEquals(429, post("/pause").statusCode());
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> held = post("/pause");
            assertEquals(429, held.statusCode(), held.body());
        }
        assertEquals(1, received("/pause"), "the pause one instance was asked for held for the others");
    }

    @Test
    void aLimitOfNRequestsAMinuteLetsExactlyNThroughAcrossTheInstances() throws Exception {
        int allowed = 0;
        for (int i = 0; i < 9; i++) {
            HttpResponse<String> answer = post("/limited");
            allowed += answer.statusCode() == 200 ? 1 : 0;
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 429, answer.body());
        }
        assertEquals(5, allowed);
        assertEquals(5, received("/limited"));
    }

    @Test
    void aTokenLimitStopsTheFleetWithinOneAnswerOfIt() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(post("/tokens").statusCode());
        }
        // 37 tokens an answer: 37, 74, 111; the window is spent after the third
        assertEquals(List.of(200, 200, 200, 429, 429), statuses);
    }

    @Test
    void redisStoppedInTheMiddleAndStartedAgainCostsNoRequest() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post("/ok").statusCode());
        }
        redis.stop();
        try {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> answer = post("/ok");
                assertEquals(200, answer.statusCode(), answer.body());
            }
        } finally {
            redis.startAgain();
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post("/ok").statusCode());
        }
        assertTrue(redis.command("DBSIZE").matches(":[1-9]\\d*\r\n"), "the fleet writes to Redis again");
    }
}
