package dev.mistralgateway.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;
import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;

/**
 * Quarkus's Redis client, once more for each event loop that calls it. A Vert.x 4 Redis client keeps
 * every connection on the event loop it was created on (Quarkus creates it at start-up, so on one
 * loop), and a call from another loop crosses to that loop and back: two thread hand-offs per call,
 * which on a small machine cost more than Redis's own answer. A client created on the caller's loop
 * answers on it. Each is built from the options Quarkus made of {@code QUARKUS_REDIS_*} (captured as
 * Quarkus's {@link RedisOptionsCustomizer}), so hosts, TLS and passwords are Quarkus's.
 */
@Singleton
@Unremovable
public class RedisPerEventLoop implements RedisOptionsCustomizer {

    private static final String DEFAULT_CLIENT = "<default>";

    // no injected Vert.x: Quarkus asks its customizers before the Vert.x bean may be looked up
    private final Map<Thread, Redis> clients = new ConcurrentHashMap<>();
    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (DEFAULT_CLIENT.equals(clientName)) {
            // kept, not copied: Quarkus may still change it before it makes its client
            this.options = options;
        }
    }

    /**
     * The client of the calling event loop; Quarkus's own ({@code shared}) off an event loop, and on a
     * loop's first call, while that loop's client is being made on its root context (a request's
     * context is a duplicate whose local data must not reach the connections).
     */
    Redis on(Redis shared) {
        Context context = io.vertx.core.Vertx.currentContext();
        if (options == null || context == null || !Context.isOnEventLoopThread()) {
            return shared;
        }
        Thread loop = Thread.currentThread();
        Redis mine = clients.get(loop);
        if (mine != null) {
            return mine;
        }
        Context root = VertxContext.getRootContext(context);
        root.runOnContext(ignored -> clients.computeIfAbsent(loop, thread -> {
            Redis made = Redis.createClient(Vertx.newInstance(root.owner()), new RedisOptions(options));
            // its connection opens now, as Quarkus's did at start-up, not within the next request's deadline
            made.send(Request.cmd(Command.PING)).subscribe().with(pong -> {
            }, failure -> {
            });
            return made;
        }));
        return shared;
    }

    @PreDestroy
    void close() {
        clients.values().forEach(Redis::close);
        clients.clear();
    }
}
