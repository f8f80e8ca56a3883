package dev.mistralgateway.fleet;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Values the fleet keeps for a while, such as stored responses of the Responses API: in Redis
 * only, since one instance's memory is not the fleet's (on Lambda a follow-up lands on any
 * instance). Each call has the shared state's deadline. A write that fails or misses it costs the
 * request nothing (the value is not kept; {@link StoreTrouble} logs it); a read that does fails,
 * because the caller needs the value and must say so, not go on without it.
 */
public final class StoredValues {

    private final Optional<RedisStore> redis;
    private final Duration deadline;
    private final Duration ttl;
    private final StoreTrouble trouble;

    public StoredValues(Optional<RedisStore> redis, Duration deadline, Duration ttl, StoreTrouble trouble) {
        this.redis = redis;
        this.deadline = deadline;
        this.ttl = ttl;
        this.trouble = trouble;
    }

    /** Whether values are kept at all: Redis is configured and the time to live is not 0. */
    public boolean kept() {
        return redis.isPresent() && !ttl.isZero();
    }

    /** How long a value stays. */
    public Duration ttl() {
        return ttl;
    }

    /** How long a call waits for Redis. */
    public Duration deadline() {
        return deadline;
    }

    /** Keeps the value for the time to live: true when Redis took it within the deadline. */
    public Uni<Boolean> put(String key, String value) {
        if (!kept()) {
            return Uni.createFrom().item(false);
        }
        return guarded("store a value", redis.get().set(key, value, ttl.toMillis()).replaceWith(true))
                .onFailure().recoverWithItem(failure -> {
                    trouble.failed("store a value", "it is not stored, and the answer goes out without it", failure);
                    return false;
                });
    }

    /**
     * The value under the key, empty when there is none.
     *
     * @return fails (with Mutiny's {@code TimeoutException} past the deadline) when Redis does not answer
     */
    public Uni<Optional<String>> get(String key) {
        if (!kept()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return guarded("read a stored value", redis.get().get(key).map(Optional::ofNullable))
                .onFailure().invoke(failure -> trouble.failed("read a stored value", "the request that needs it "
                        + "is refused", failure));
    }

    /** Deletes the value under the key: true when there was one; fails as {@link #get} does. */
    public Uni<Boolean> delete(String key) {
        if (!kept()) {
            return Uni.createFrom().item(false);
        }
        return guarded("delete a stored value", redis.get().delete(key))
                .onFailure().invoke(failure -> trouble.failed("delete a stored value", "the deletion is refused",
                        failure));
    }

    private <T> Uni<T> guarded(String operation, Uni<T> call) {
        return call.ifNoItem().after(deadline).fail().invoke(trouble::answered);
    }
}
