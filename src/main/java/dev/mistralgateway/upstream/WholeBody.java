package dev.mistralgateway.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an upstream answer's body whole with the response's own handlers, on the request's event loop: up to
 * the most the gateway reads of one answer, and failing after the read timeout of silence, also half-way
 * through the body. Plain callbacks and one event-loop timer rather than a reactive stream with a timer on
 * another thread: a whole answer has no backpressure to honour (it is always being read), and at C1, as AWS
 * runs a Java function, the stream's layers were a large part of the gateway's own work at every request
 * (docs/benchmarks-c1.md).
 *
 * <p>
 * Every signal (a piece, the end, a failure, the timer, a cancel) runs on the request's context, so they are
 * serial without a lock; a cancel from another thread is handed to that context.
 */
final class WholeBody {

    private final HttpClientResponse response;
    private final Context context;
    private final long maxBytes;
    private final long timeoutMillis;
    private final BiConsumer<byte[], Throwable> done;
    /** The first piece, kept as it came: most answers arrive in one. */
    private Buffer first;
    private Buffer more;
    private long size;
    private long lastData;
    private long timer = -1;
    private boolean over;

    private WholeBody(HttpClientResponse response, long maxBytes, long timeoutMillis,
            BiConsumer<byte[], Throwable> done) {
        this.response = response;
        this.context = Vertx.currentContext();
        this.maxBytes = maxBytes;
        this.timeoutMillis = timeoutMillis;
        this.done = done;
    }

    /**
     * Reads the body of {@code response} (paused, its handlers not yet set), on its context; {@code done} gets the
     * bytes, or a {@link TimeoutException}, an {@link UpstreamFailures.TooLarge} or the connection's failure.
     *
     * @return what cancels the read (a client that left): the upstream request is reset
     */
    static Runnable read(HttpClientResponse response, long maxBytes, long timeoutMillis,
            BiConsumer<byte[], Throwable> done) {
        WholeBody body = new WholeBody(response, maxBytes, timeoutMillis, done);
        body.start();
        return body::cancel;
    }

    private void start() {
        response.handler(this::piece).exceptionHandler(this::broke).endHandler(ended -> end());
        lastData = System.nanoTime();
        timer = context.owner().setTimer(timeoutMillis, this::quiet);
        response.resume();
    }

    private void piece(Buffer piece) {
        if (over) {
            return;
        }
        lastData = System.nanoTime();
        size += piece.length();
        if (size > maxBytes) {
            stop(new UpstreamFailures.TooLarge("the answer", "ai-proxy.upstream.max-answer-bytes", maxBytes));
            return;
        }
        if (first == null) {
            first = piece;
        } else {
            if (more == null) {
                more = Buffer.buffer((int) Math.min(Integer.MAX_VALUE, size * 2)).appendBuffer(first);
            }
            more.appendBuffer(piece);
        }
    }

    private void end() {
        if (finish()) {
            Buffer whole = more != null ? more : first;
            done.accept(whole == null ? new byte[0] : whole.getBytes(), null);
        }
    }

    private void broke(Throwable failure) {
        if (finish()) {
            done.accept(null, failure);
        }
    }

    /** The timer: the body has been silent for the timeout, or it sleeps again for what is left of it. */
    private void quiet(long id) {
        timer = -1;
        if (over) {
            return;
        }
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastData);
        if (silentMillis < timeoutMillis) {
            timer = context.owner().setTimer(Math.max(1, timeoutMillis - silentMillis), this::quiet);
            return;
        }
        stop(new TimeoutException("no data from the upstream for " + timeoutMillis + " ms"));
    }

    /** Ends the read with {@code failure} and resets the upstream request, whose own failure then is no news. */
    private void stop(Throwable failure) {
        if (finish()) {
            UpstreamClient.abandon(response);
            done.accept(null, failure);
        }
    }

    private void cancel() {
        if (over) {
            // (the usual case, once the answer has been read: nothing to hand to the context)
            return;
        }
        if (context.isEventLoopContext() && Vertx.currentContext() == context) {
            if (finish()) {
                UpstreamClient.abandon(response);
            }
        } else {
            context.runOnContext(now -> cancel());
        }
    }

    private boolean finish() {
        if (over) {
            return false;
        }
        over = true;
        if (timer != -1) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
        return true;
    }
}
