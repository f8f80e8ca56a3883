package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

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
 * The balancer of a fleet: three packaged servers sharing one real redis-server. Round-robin's
 * weights hold exactly when requests alternate between instances, least-connections on one instance
 * avoids a target that a slow request of another holds, the lease of an instance that froze stops
 * counting once it expired, and a Redis that stops costs no request.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class FleetBalancingIT {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GOOD = Fixtures.kong("mistral/llm-v1-chat/responses/good.json");

    private static FakeUpstream upstream;
    private static RedisServer redis;
    private static final List<RunningGateway> fleet = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        redis = RedisServer.start();
        for (String path : List.of("/rr-a", "/rr-b", "/lc-b", "/frozen-b", "/down-a", "/down-b", "/downlc-a",
                "/downlc-b")) {
            upstream.reply(path + "/v1/chat/completions", Reply.json(200, GOOD));
        }
        upstream.reply("/lc-a/v1/chat/completions", slowFirst(Duration.ofSeconds(8)));
        upstream.reply("/frozen-a/v1/chat/completions", slowFirst(Duration.ofSeconds(30)));
        GatewaySettings settings = new GatewaySettings()
                .route(0, "/rr", "llm/v1/chat", "openai", upstream.url("/rr-a/v1/chat/completions"))
                .target(0, "weight", "3")
                .alsoTarget(0, 1, "openai", upstream.url("/rr-b/v1/chat/completions"), 1);
        leastConnections(settings, 1, "/lc");
        leastConnections(settings, 2, "/frozen")
                // a lease is held as long as the three timeouts at most: 5 s
                .routeSetting(2, "balancer.connect-timeout", "1000")
                .routeSetting(2, "balancer.read-timeout", "3000")
                .routeSetting(2, "balancer.write-timeout", "1000");
        settings.route(3, "/down", "llm/v1/chat", "openai", upstream.url("/down-a/v1/chat/completions"))
                .target(3, "weight", "3")
                .alsoTarget(3, 1, "openai", upstream.url("/down-b/v1/chat/completions"), 1);
        leastConnections(settings, 4, "/downlc");
        Map<String, String> env = new HashMap<>(settings.environment());
        env.put("QUARKUS_REDIS_HOSTS", redis.url());
        // every pick reads Redis, so that the figures below are exact; a deadline the loaded test machine keeps
        env.put("AI_PROXY_SHARED_STATE_FRESHNESS", "0");
        env.put("AI_PROXY_SHARED_STATE_DEADLINE", "1000");
        for (int i = 0; i < 3; i++) {
            fleet.add(RunningGateway.start(env));
        }
    }

    private static GatewaySettings leastConnections(GatewaySettings settings, int route, String path) {
        return settings.route(route, path, "llm/v1/chat", "openai", upstream.url(path + "-a/v1/chat/completions"))
                .alsoTarget(route, 1, "openai", upstream.url(path + "-b/v1/chat/completions"), 100)
                .routeSetting(route, "balancer.algorithm", "least-connections");
    }

    /** The first request waits that long for its answer, the others are answered at once. */
    private static Function<FakeUpstream.Received, Reply> slowFirst(Duration delay) {
        AtomicInteger seen = new AtomicInteger();
        return received -> seen.getAndIncrement() == 0 ? Reply.json(200, GOOD).delayedBy(delay) : Reply.json(200, GOOD);
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

    private HttpRequest request(int instance, String path) {
        return HttpRequest.newBuilder(URI.create(fleet.get(instance).url(path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
    }

    private HttpResponse<String> post(int instance, String path) throws Exception {
        return client.send(request(instance, path), HttpResponse.BodyHandlers.ofString());
    }

    /** The upstreams of a route that the requests reached, in order: a or b. */
    private static String reached(String route) {
        StringBuilder order = new StringBuilder();
        for (FakeUpstream.Received received : upstream.received()) {
            String first = received.path().split("/")[1];
            if (("/" + first).equals(route + "-a") || ("/" + first).equals(route + "-b")) {
                order.append(first.charAt(first.length() - 1));
            }
        }
        return order.toString();
    }

    private static void awaitReached(String route, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (reached(route).length() < count) {
            assertTrue(System.nanoTime() < deadline, "the upstream of " + route + " was not reached");
            Thread.sleep(20);
        }
    }

    @Test
    void roundRobinWeightsHoldExactlyWhenRequestsAlternateBetweenInstances() throws Exception {
        for (int i = 0; i < 8; i++) {
            assertEquals(200, post(i % 2, "/rr").statusCode());
        }
        // each instance alone would send a,a,b,a of its own: a,a,a,a,b,b,a,a alternated
        assertEquals("aabaaaba", reached("/rr"), "the fleet's 3:1 cycle, slot by slot");
    }

    @Test
    void leastConnectionsOnOneInstanceAvoidsATargetHeldByASlowRequestOnAnother() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(request(0, "/lc"),
                HttpResponse.BodyHandlers.ofString());
        awaitReached("/lc", 1);
        assertEquals("a", reached("/lc"), "the targets tie: the first takes it");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post(1, "/lc").statusCode());
        }
        assertEquals("abbb", reached("/lc"), "the slow request's lease holds its target for the other instance");
        assertEquals(200, slow.get().statusCode());
    }

    @Test
    void theLeaseOfAFrozenInstanceStopsCountingOnceItExpired() throws Exception {
        RunningGateway frozen = fleet.get(2);
        client.sendAsync(request(2, "/frozen"), HttpResponse.BodyHandlers.discarding());
        awaitReached("/frozen", 1);
        long reachedAt = System.currentTimeMillis();
        frozen.freeze();
        assertEquals(200, post(1, "/frozen").statusCode());
        assertEquals("ab", reached("/frozen"), "the frozen instance's request still counts");

        // its lease was taken before the upstream was reached and is held 5 s at most
        Thread.sleep(Math.max(0, reachedAt + 5_200 - System.currentTimeMillis()));
        assertEquals(200, post(1, "/frozen").statusCode());
        assertEquals("aba", reached("/frozen"), "expired, it counts no more: the targets tie again");
    }

    @Test
    void redisStoppedInTheMiddleCostsNoRequest() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertEquals(200, post(i, "/down").statusCode());
            assertEquals(200, post(i, "/downlc").statusCode());
        }
        redis.stop();
        try {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> answer = post(i % 2, i % 3 == 0 ? "/downlc" : "/down");
                assertEquals(200, answer.statusCode(), answer.body());
            }
        } finally {
            redis.startAgain();
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(200, post(i, "/down").statusCode());
            assertEquals(200, post(i, "/downlc").statusCode());
        }
        assertEquals(":1\r\n", redis.command("EXISTS {ai-proxy:3-down}:turn"), "the sequence is the fleet's again");
        assertEquals(14, reached("/down").length() + reached("/downlc").length(), "every request was served");
    }
}
