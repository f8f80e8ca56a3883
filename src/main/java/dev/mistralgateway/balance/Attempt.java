package dev.mistralgateway.balance;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import dev.mistralgateway.config.Target;
import dev.mistralgateway.openai.Usage;

/**
 * One attempt of a request on the target its pool picked. The pick counts it in flight (and may
 * make it a circuit breaker's one trial) until the attempt ends, whichever way it ends: answered,
 * failed, or abandoned when the client left. Each of those settles it, and only the first counts,
 * so the caller can call {@link #released()} on every way out without double counting.
 */
public final class Attempt {

    private final TargetPool pool;
    private final Target target;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final AtomicBoolean settled = new AtomicBoolean();

    Attempt(TargetPool pool, Target target, LongSupplier nanoTime) {
        this.pool = pool;
        this.target = target;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    public Target target() {
        return target;
    }

    /** Time since this attempt started (not the request: earlier failed attempts do not count). */
    public Duration elapsed() {
        return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    }

    /**
     * The target answered. {@code outputUnits} stands in for the output tokens when the answer
     * reported no usage (stream events, or an estimate), for {@code lowest-latency}'s time per token.
     */
    public void succeeded(Usage usage, long outputUnits) {
        if (settled.compareAndSet(false, true)) {
            pool.succeeded(target, elapsed(), usage, outputUnits);
        }
    }

    /** The target failed; see {@link TargetPool#failed}. */
    public void failed(boolean unhealthy, Optional<Duration> retryAfter) {
        if (settled.compareAndSet(false, true)) {
            pool.failed(target, unhealthy, retryAfter);
        }
    }

    /** The attempt ended without a verdict on the target (the client left, the request did not suit it). */
    public void released() {
        if (settled.compareAndSet(false, true)) {
            pool.released(target);
        }
    }
}
