package dev.mistralgateway.fleet;

import java.time.Duration;
import java.util.Optional;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/**
 * Another gateway instance beside the one a Lambda test starts: its own shared state on the test's
 * Redis, under the gateway's default key prefix, reading the fleet at every pick.
 */
final class AnotherInstance implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis client;

    AnotherInstance(String redisUrl) {
        client = Redis.createClient(vertx, redisUrl);
    }

    /** A state of its own at each call: nothing of an earlier call's local copy carries over. */
    SharedState state() {
        return new SharedState(new LocalStore(), Optional.of(new RedisStore(client, "ai-proxy")),
                Duration.ofSeconds(2), Duration.ZERO, System::currentTimeMillis,
                new StoreTrouble(System::currentTimeMillis));
    }

    @Override
    public void close() {
        client.close();
        vertx.closeAndAwait();
    }
}
