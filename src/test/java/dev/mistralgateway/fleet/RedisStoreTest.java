package dev.mistralgateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.RedisServer;
import dev.mistralgateway.testing.TestRoutes;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Two instances' pools over one real redis-server, each with its own local copy, as two Lambda
 * instances are: what one learns of a target holds for the other, and a Redis that goes away costs
 * neither a request. The clock is the test's.
 */
class RedisStoreTest {

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis client;

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, server.url());
        // the first call also opens the connection, which may take longer than a call's deadline here
        client.send(Request.cmd(Command.PING))
                .await().atMost(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        client.close();
        vertx.closeAndAwait();
        server.close();
    }

    @BeforeEach
    void empty() {
        server.command("FLUSHALL");
    }

    private SharedState instance() {
        return new SharedState(new LocalStore(), Optional.of(new RedisStore(client, "test")), Duration.ofMillis(200),
                Duration.ZERO, now::get, new StoreTrouble(now::get));
    }

    private static Route route(int maxFails) {
        return TestRoutes.fromEnvironment(Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:9/v1/chat/completions",
                "AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", "0".repeat(64),
                "AI_PROXY_ROUTES_0__BALANCER_MAX_FAILS", String.valueOf(maxFails),
                "AI_PROXY_ROUTES_0__BALANCER_FAIL_TIMEOUT", "10000")).get(0);
    }

    private TargetPool pool(Route route, SharedState shared) {
        return new TargetPool(route, () -> now.get() * 1_000_000, shared);
    }

    private static Optional<Attempt> begin(TargetPool pool) {
        return pool.begin(null, Set.of()).await().atMost(Duration.ofSeconds(5));
    }

    private static void fail(Attempt attempt) {
        attempt.failed(FailoverCriterion.ERROR, Optional.empty()).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void failuresOfEveryInstanceAddUpAndTheBreakerHoldsForAll() {
        Route route = route(2);
        TargetPool first = pool(route, instance());
        TargetPool second = pool(route, instance());

        fail(begin(first).orElseThrow());
        fail(begin(second).orElseThrow());

        assertTrue(begin(first).isEmpty(), "two failures of the fleet open the breaker");
        assertTrue(begin(second).isEmpty(), "for every instance");
        assertEquals(Duration.ofSeconds(10), second.untilNextAvailable());
    }

    @Test
    void afterTheRestOneTrialForTheFleetAndItsSuccessClosesTheBreakerForAll() {
        Route route = route(1);
        TargetPool first = pool(route, instance());
        TargetPool second = pool(route, instance());
        fail(begin(first).orElseThrow());
        now.addAndGet(10_000);

        Attempt trial = begin(second).orElseThrow();
        assertTrue(trial.isTrial());
        assertTrue(begin(first).isEmpty(), "the other instance's trial holds the target");
        assertTrue(begin(second).isEmpty(), "one trial at a time");

        trial.succeeded(null, 1).await().atMost(Duration.ofSeconds(5));
        Attempt closed = begin(first).orElseThrow();
        assertFalse(closed.isTrial(), "closed for the first instance too");
    }

    @Test
    void aRetryAfterHoldsForEveryInstance() {
        Route route = route(0);
        TargetPool first = pool(route, instance());
        TargetPool second = pool(route, instance());
        begin(first).orElseThrow().failed(FailoverCriterion.HTTP_429, Optional.of(Duration.ofSeconds(3)))
                .await().atMost(Duration.ofSeconds(5));

        assertTrue(begin(second).isEmpty());
        assertTrue(second.allOutAreRateLimited(), "a pause, not a failure");
        now.addAndGet(3_000);
        assertTrue(begin(second).isPresent());
    }

    @Test
    void aWindowCountsTheRequestsOfEveryInstanceExactly() {
        SharedState first = instance();
        SharedState second = instance();
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            SharedState shared = i % 2 == 0 ? first : second;
            allowed += shared.take("r0:key", 60_000, 7, 1).await().atMost(Duration.ofSeconds(5)).allowed() ? 1 : 0;
            now.addAndGet(100);
        }
        assertEquals(7, allowed);
        WindowCount refused = first.take("r0:key", 60_000, 7, 1).await().atMost(Duration.ofSeconds(5));
        assertFalse(refused.allowed());
        // the window began at the first request, 1 s ago: the count fades out over the next window
        assertEquals(60_000 - 1_000, refused.resetMillis());
    }

    @Test
    void tokensCountedAfterTheAnswerSpendTheWindowForTheNextRequest() {
        SharedState first = instance();
        SharedState second = instance();
        assertTrue(first.take("r0:tokens", 60_000, 100, 0).await().indefinitely().allowed());
        first.add("r0:tokens", 60_000, 120).await().indefinitely();

        WindowCount next = second.take("r0:tokens", 60_000, 100, 0).await().indefinitely();
        assertFalse(next.allowed(), "the window is spent");
        assertEquals(120, next.used(), 1e-9);
    }

    /**
     * Scripts go by their SHA-1; a Redis that no longer holds them (flushed, restarted, a failover to a
     * replica) gets each once as text, and the call is still the fleet's, not a fallback.
     */
    @Test
    void aRedisThatLostItsScriptsIsGivenThemAgain() {
        StoreTrouble trouble = new StoreTrouble(now::get);
        SharedState shared = new SharedState(new LocalStore(), Optional.of(new RedisStore(client, "test")),
                Duration.ofSeconds(2), Duration.ZERO, now::get, trouble);
        assertTrue(shared.take("r0:flushed", 60_000, 2, 1).await().atMost(Duration.ofSeconds(5)).allowed());
        assertEquals("+OK\r\n", server.command("SCRIPT FLUSH"));
        assertTrue(shared.take("r0:flushed", 60_000, 2, 1).await().atMost(Duration.ofSeconds(5)).allowed());
        // a second instance sees both counts: they went to Redis, not to a fallback's local copy
        assertFalse(instance().take("r0:flushed", 60_000, 2, 1).await().atMost(Duration.ofSeconds(5)).allowed());
        assertEquals(0, trouble.drainFallbacks());
    }

    /** Redis stops in the middle: each call waits no longer than the deadline and falls back; when it is back, shared again. */
    @Test
    void aRedisThatGoesAwayCostsNoRequestAndIsPickedUpAgain() {
        Route route = route(1);
        SharedState shared = instance();
        TargetPool pool = pool(route, shared);
        server.stop();
        try {
            long started = System.nanoTime();
            fail(begin(pool).orElseThrow());
            assertTrue(begin(pool).isEmpty(), "this instance's own copy opened the breaker");
            assertTrue(shared.take("r0:down", 60_000, 1, 1).await().indefinitely().allowed());
            assertFalse(shared.take("r0:down", 60_000, 1, 1).await().indefinitely().allowed(), "per instance now");
            long took = (System.nanoTime() - started) / 1_000_000;
            assertTrue(took < 6 * 200 + 500, "each call waited at most its deadline: " + took + " ms");
            assertTrue(shared.trouble().drainFallbacks() >= 4);
        } finally {
            server.startAgain();
        }
        TargetPool elsewhere = pool(route, instance());
        now.addAndGet(1);
        assertTrue(begin(elsewhere).isPresent(), "Redis came back empty: the fleet's state is its again");
        assertTrue(shared.take("r0:back", 60_000, 1, 1).await().atMost(Duration.ofSeconds(5)).allowed());
        assertFalse(instance().take("r0:back", 60_000, 1, 1).await().atMost(Duration.ofSeconds(5)).allowed(),
                "the count is the fleet's again");
    }
}
