package dev.mistralgateway.upstream;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.AbstractMultiOperator;
import io.smallrye.mutiny.operators.multi.MultiOperatorProcessor;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * Fails a stream that stays silent for the timeout while its subscriber waits for an item: the read
 * timeout of an upstream body. Unlike Mutiny's {@code ifNoItem()}, whose clock runs whether or not an
 * item was asked for, time without demand does not count: a client that stops reading a stream for a
 * while holds back the gateway's demand, so the upstream is paused by backpressure, not silent, and
 * must not look timed out (nor count against its circuit breaker).
 *
 * <p>
 * Signals stay serial: an item and the timeout exclude each other under one lock, which is never
 * held while the subscriber is called.
 */
final class SilenceTimeout<T> extends AbstractMultiOperator<T, T> {

    private final Duration timeout;
    private final Supplier<? extends Throwable> failure;
    private final ScheduledExecutorService timers;

    private SilenceTimeout(Multi<T> upstream, Duration timeout, Supplier<? extends Throwable> failure,
            ScheduledExecutorService timers) {
        super(upstream);
        this.timeout = timeout;
        this.failure = failure;
        this.timers = timers;
    }

    /** The stream, failing with {@code failure} after {@code timeout} of silence while an item is asked for. */
    static <T> Multi<T> of(Multi<T> stream, Duration timeout, Supplier<? extends Throwable> failure) {
        return new SilenceTimeout<>(stream, timeout, failure, Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public void subscribe(MultiSubscriber<? super T> downstream) {
        upstream.subscribe().withSubscriber(new Watch(downstream));
    }

    private final class Watch extends MultiOperatorProcessor<T, T> {

        private final AtomicLong demand = new AtomicLong();
        private final Object lock = new Object();
        // guarded by lock
        private long generation;
        private ScheduledFuture<?> timer;
        private boolean delivering;
        private boolean terminated;

        Watch(MultiSubscriber<? super T> downstream) {
            super(downstream);
        }

        @Override
        public void request(long n) {
            if (n > 0) {
                demand.accumulateAndGet(n, (had, more) -> had + more < 0 ? Long.MAX_VALUE : had + more);
                synchronized (lock) {
                    if (!delivering) {
                        arm();
                    }
                }
            }
            super.request(n);
        }

        @Override
        public void onItem(T item) {
            synchronized (lock) {
                if (terminated) {
                    return;
                }
                disarm();
                delivering = true;
            }
            demand.updateAndGet(had -> had == Long.MAX_VALUE || had == 0 ? had : had - 1);
            super.onItem(item);
            synchronized (lock) {
                delivering = false;
                if (demand.get() > 0) {
                    arm();
                }
            }
        }

        @Override
        public void onFailure(Throwable thrown) {
            if (terminate()) {
                super.onFailure(thrown);
            }
        }

        @Override
        public void onCompletion() {
            if (terminate()) {
                super.onCompletion();
            }
        }

        @Override
        public void cancel() {
            terminate();
            super.cancel();
        }

        private boolean terminate() {
            synchronized (lock) {
                if (terminated) {
                    return false;
                }
                terminated = true;
                disarm();
                return true;
            }
        }

        /** Starts the clock, unless it runs already or the stream is over. Under the lock. */
        private void arm() {
            if (timer != null || terminated) {
                return;
            }
            long armed = ++generation;
            timer = timers.schedule(() -> timeUp(armed), timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Under the lock: an item came, or the stream ended; a timer already running sees the new generation. */
        private void disarm() {
            generation++;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void timeUp(long armed) {
            synchronized (lock) {
                if (armed != generation || terminated || delivering) {
                    return;
                }
                terminated = true;
                timer = null;
            }
            cancelUpstream();
            downstream.onFailure(failure.get());
        }
    }
}
