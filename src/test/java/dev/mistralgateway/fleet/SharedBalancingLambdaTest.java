package dev.mistralgateway.fleet;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.RedisServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;

/**
 * The balancer's shared state through the Lambda handler: one gateway instance on a real
 * redis-server, and "another instance" played by the test through the same store on the same Redis.
 * The round-robin sequence and the least-connections leases are the fleet's; Redis stopped costs no
 * request.
 */
@QuarkusTest
@QuarkusTestResource(value = SharedBalancingLambdaTest.Routes.class, restrictToAnnotatedClass = true)
class SharedBalancingLambdaTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GOOD = kong("mistral/llm-v1-chat/responses/good.json");
    private static final List<String> PATHS = List.of("/rr-a", "/rr-b", "/lc-a", "/lc-b", "/old-a", "/old-b");

    static RedisServer redis;

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            redis = RedisServer.start();
            return new HashMap<>(new GatewaySettings()
                    .route(0, "/rr", "llm/v1/chat", "openai", upstream.url("/rr-a/v1/chat/completions"))
                    .target(0, "weight", "3")
                    .alsoTarget(0, 1, "openai", upstream.url("/rr-b/v1/chat/completions"), 1)
                    .route(1, "/lc", "llm/v1/chat", "openai", upstream.url("/lc-a/v1/chat/completions"))
                    .alsoTarget(1, 1, "openai", upstream.url("/lc-b/v1/chat/completions"), 100)
                    .routeSetting(1, "balancer.algorithm", "least-connections")
                    .route(2, "/old", "llm/v1/chat", "openai", upstream.url("/old-a/v1/chat/completions"))
                    .alsoTarget(2, 1, "openai", upstream.url("/old-b/v1/chat/completions"), 100)
                    .routeSetting(2, "balancer.algorithm", "least-connections")
                    .server("quarkus.redis.hosts", redis.url())
                    // exact for the test: every pick reads Redis; and a deadline the loaded test machine keeps
                    .server("ai-proxy.shared-state.freshness", "0")
                    .server("ai-proxy.shared-state.deadline", "1000")
                    .build());
        }

        @Override
        public void stop() {
            super.stop();
            redis.close();
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    private static AnotherInstance another;

    @BeforeAll
    static void connect() {
        another = new AnotherInstance(redis.url());
    }

    @AfterAll
    static void disconnect() {
        another.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
        for (String path : PATHS) {
            upstream.reply(path + "/v1/chat/completions", Reply.json(200, GOOD));
        }
    }

    private static SharedMeasures otherInstance() {
        return another.state().measures();
    }

    /** Which of the route's upstreams each request reached, in order. */
    private String served(String route, int requests) {
        int before = upstream.received().size();
        for (int i = 0; i < requests; i++) {
            post(route, CHAT).then().statusCode(200);
        }
        StringBuilder order = new StringBuilder();
        upstream.received().subList(before, upstream.received().size())
                .forEach(received -> order.append(received.path().split("/")[1].endsWith("-a") ? 'a' : 'b'));
        return order.toString();
    }

    /**
     * The 3:1 cycle is a,a,b,a. Another instance takes two turns before each two requests here, so
     * these take the cycle's third and fourth slots: b,a. An instance alone would send a,a.
     */
    @Test
    void roundRobinTakesTheFleetsNextSlot() {
        SharedMeasures other = otherInstance();
        StringBuilder order = new StringBuilder();
        for (int round = 0; round < 3; round++) {
            other.nextTurn("0-rr").await().atMost(Duration.ofSeconds(5));
            other.nextTurn("0-rr").await().atMost(Duration.ofSeconds(5));
            order.append(served("/rr", 2));
        }
        assertEquals("bababa", order.toString());
    }

    /** Another instance's request in flight on the first target: every request here goes to the second. */
    @Test
    void leastConnectionsAvoidsATargetLeasedByAnotherInstance() {
        SharedMeasures other = otherInstance();
        SharedMeasures.Lease lease = other.lease("1-lc", 0, System.currentTimeMillis() + 60_000);
        lease.written().await().atMost(Duration.ofSeconds(5));
        assertEquals("bbb", served("/lc", 3));

        other.release(lease).await().atMost(Duration.ofSeconds(5));
        assertEquals("a", served("/lc", 1), "ended, it counts no more: the targets tie and the first takes it");
    }

    /** A lease whose instance froze before it could end it counts until it expires, then no more. */
    @Test
    void anExpiredLeaseStopsCounting() throws InterruptedException {
        long until = System.currentTimeMillis() + 3_000;
        otherInstance().lease("2-old", 0, until).written().await().atMost(Duration.ofSeconds(5));
        assertEquals("b", served("/old", 1));

        Thread.sleep(Math.max(0, until - System.currentTimeMillis() + 50));
        assertEquals("a", served("/old", 1), "expired: the targets tie and the first takes it");
    }

    @Test
    void aRedisStoppedInTheMiddleCostsNoRequest() {
        served("/rr", 2);
        served("/lc", 2);
        redis.stop();
        try {
            assertEquals(4, served("/rr", 4).length());
            assertEquals(4, served("/lc", 4).length());
        } finally {
            redis.startAgain();
        }
        assertEquals(2, served("/rr", 2).length());
        assertEquals(2, served("/lc", 2).length());
        assertEquals(":1\r\n", redis.command("EXISTS {ai-proxy:0-rr}:turn"), "the sequence is the fleet's again");
    }
}
