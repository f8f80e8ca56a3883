package dev.mistralgateway.fleet;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.mistralgateway.testing.RedisServer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/** {@link SharedBalancingContract} on a real redis-server: RedisStore's scripts, with the test's clock. */
class SharedBalancingRedisTest extends SharedBalancingContract {

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis client;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, server.url());
        client.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        client.close();
        vertx.closeAndAwait();
        server.close();
    }

    /**
     * Each test its own keys: a write an earlier test left in flight (a lease is written beside the
     * request, not awaited) may land after any FLUSHALL, and would count here as another instance's.
     */
    private final String prefix = "test-" + UUID.randomUUID();

    @Override
    protected FleetStore fleet() {
        return new RedisStore(client, prefix);
    }
}
