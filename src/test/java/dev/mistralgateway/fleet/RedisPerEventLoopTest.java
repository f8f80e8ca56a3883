package dev.mistralgateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.RedisServer;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;

/**
 * On a real redis-server: each event loop gets a client of its own, made once from Quarkus's options
 * (what it saves, two thread hand-offs a call, is a latency and shows in bench/run.sh's shared table).
 */
class RedisPerEventLoopTest {

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis shared;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        shared = Redis.createClient(vertx, server.url());
    }

    @AfterAll
    static void stop() {
        shared.close();
        vertx.closeAndAwait();
        server.close();
    }

    private static RedisPerEventLoop captured() {
        RedisPerEventLoop loops = new RedisPerEventLoop();
        loops.customize("<default>", new RedisOptions().setConnectionString(server.url()));
        return loops;
    }

    /** What {@code on} gives on a new event-loop context, asked {@code times} times in a row (a turn of the loop apart). */
    private static List<Redis> onNewLoop(RedisPerEventLoop loops, int times) throws Exception {
        Context context = newContext();
        List<Redis> given = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            CompletableFuture<Redis> one = new CompletableFuture<>();
            context.runOnContext(ignored -> one.complete(loops.on(shared)));
            given.add(one.get(5, TimeUnit.SECONDS));
        }
        return given;
    }

    /**
     * A context on the next event loop: Vert.x gives each thread that is not its own one context for
     * good, and a new one takes the next loop in turn.
     */
    private static Context newContext() throws Exception {
        CompletableFuture<Context> context = new CompletableFuture<>();
        Thread thread = new Thread(() -> context.complete(vertx.getDelegate().getOrCreateContext()));
        thread.start();
        return context.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aLoopsFirstCallTakesTheSharedClientAndTheNextOnesItsOwn() throws Exception {
        RedisPerEventLoop loops = captured();
        List<Redis> given = onNewLoop(loops, 3);
        assertSame(shared, given.get(0), "the first call does not wait for a client to be made");
        assertNotSame(shared, given.get(1));
        assertSame(given.get(1), given.get(2), "one client per loop, made once");
        loops.close();
    }

    @Test
    void aLoopsOwnClientIsMadeOfQuarkusOptionsAndAnswers() throws Exception {
        RedisPerEventLoop loops = captured();
        Redis own = onNewLoop(loops, 2).get(1);
        assertEquals("PONG", own.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(5)).toString());
        loops.close();
    }

    @Test
    void twoLoopsHaveTwoClients() throws Exception {
        RedisPerEventLoop loops = captured();
        Redis first = onNewLoop(loops, 2).get(1);
        Redis second = onNewLoop(loops, 2).get(1);
        assertNotSame(first, second);
        loops.close();
    }

    @Test
    void offAnEventLoopOrWithoutQuarkusOptionsTheSharedClientServes() throws Exception {
        assertSame(shared, captured().on(shared), "the test's own thread is no event loop");
        RedisPerEventLoop unconfigured = new RedisPerEventLoop();
        List<Redis> given = onNewLoop(unconfigured, 2);
        assertSame(shared, given.get(1), "no options captured: nothing to make a client of");
        shared.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(5));
    }
}
