package dev.mistralgateway.fleet;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.TimeoutException;

/**
 * Redis calls that failed or missed their deadline: counted for the metrics line, logged at most
 * once a minute (a Redis that is down would otherwise write a line per request), and the return
 * of Redis logged once.
 */
public final class StoreTrouble {

    private static final Logger LOG = Logger.getLogger(StoreTrouble.class);
    private static final long LOG_EVERY_MILLIS = 60_000;

    private final LongSupplier clock;
    private final AtomicLong sinceLastLine = new AtomicLong();
    private final AtomicLong forMetrics = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean inTrouble = new AtomicBoolean();

    public StoreTrouble(LongSupplier clock) {
        this.clock = clock;
    }

    /** A call that fell back to the instance's own state; the cause's text, never the keys or values. */
    void fellBack(String operation, Throwable cause) {
        failed(operation, "this instance goes on with its own state", cause);
    }

    /** A call that failed, and what the gateway did instead ({@code consequence}, for the log line). */
    void failed(String operation, String consequence, Throwable cause) {
        long count = sinceLastLine.incrementAndGet();
        forMetrics.incrementAndGet();
        inTrouble.set(true);
        long now = clock.getAsLong();
        long last = lastLogged.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY_MILLIS) && lastLogged.compareAndSet(last, now)) {
            sinceLastLine.set(0);
            LOG.warnf("shared state: Redis did not answer %s (%s); %s"
                    + " (%d calls failed since the last such line; the next line in a minute at the earliest)",
                    operation, describe(cause), consequence, count);
        }
    }

    /** A call that Redis answered: after trouble, says once that the shared state is back. */
    void answered() {
        if (inTrouble.get() && inTrouble.compareAndSet(true, false)) {
            LOG.info("shared state: Redis answers again; this instance reads and writes the fleet's state");
        }
    }

    /** Calls that fell back since the last call of this method (the metrics line's figure). */
    public long drainFallbacks() {
        return forMetrics.getAndSet(0);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return "no answer within the deadline";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
