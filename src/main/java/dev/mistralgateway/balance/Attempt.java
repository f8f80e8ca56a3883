package dev.mistralgateway.balance;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.fleet.SharedMeasures.Lease;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Target;
import io.smallrye.mutiny.Uni;

/**
 * One attempt of a request on the target its pool picked. The pick counts it in flight (a lease, for least-connections) (and
 * may
 * make it a circuit breaker's one trial, which only this attempt then ends) until the attempt ends,
 * whichever way it ends: answered, failed, or abandoned when the client left. Each of those settles
 * it, and only the first counts, so the caller can call {@link #released()} on every way out without
 * double counting. Each returns the write to the fleet's state, which the caller lets finish before
 * its answer does (Lambda freezes an instance once it has answered).
 */
public final class Attempt {

    private final TargetPool pool;
    private final Target target;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final String trialOwner;
    /** Its target's lease for least-connections, or null. */
    private final Lease lease;
    private final AtomicBoolean settled = new AtomicBoolean();

    Attempt(TargetPool pool, Target target, LongSupplier nanoTime, String trialOwner) {
        this(pool, target, nanoTime, trialOwner, null);
    }

    Attempt(TargetPool pool, Target target, LongSupplier nanoTime, String trialOwner, Lease lease) {
        this.pool = pool;
        this.lease = lease;
        this.target = target;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.trialOwner = trialOwner;
    }

    public Target target() {
        return target;
    }

    /** Whether this attempt is its target's breaker trial. */
    public boolean isTrial() {
        return trialOwner != null;
    }

    String trialOwner() {
        return trialOwner;
    }

    Lease lease() {
        return lease;
    }

    /** Time since this attempt started (not the request: earlier failed attempts do not count). */
    public Duration elapsed() {
        return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    }

    /**
     * The target answered. {@code outputUnits} stands in for the output tokens when the answer
     * reported no usage (stream events, or an estimate), for {@code lowest-latency}'s time per token.
     */
    public Uni<Void> succeeded(Usage usage, long outputUnits) {
        return settled.compareAndSet(false, true) ? pool.succeeded(this, elapsed(), usage, outputUnits) : none();
    }

    /**
     * The target failed in the way {@code criterion} names (null: a failure no criterion names,
     * which never counts for the breaker); {@code retryAfter} is the pause its upstream asked for.
     */
    public Uni<Void> failed(FailoverCriterion criterion, Optional<Duration> retryAfter) {
        return settled.compareAndSet(false, true) ? pool.failed(this, criterion, retryAfter) : none();
    }

    /** The attempt ended without a verdict on the target (the client left, the request did not suit it). */
    public Uni<Void> released() {
        return settled.compareAndSet(false, true) ? pool.released(this) : none();
    }

    private static Uni<Void> none() {
        return Uni.createFrom().voidItem();
    }
}
