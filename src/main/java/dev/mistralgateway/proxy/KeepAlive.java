package dev.mistralgateway.proxy;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * A client API's keep-alive event (Anthropic's {@code ping}) in a stream whose upstream is slow:
 * each time the stream has sent nothing for {@code every}, so that the client and the proxies in
 * between see a live connection while the model thinks. The pings end with the stream, however it
 * ends; a client API without such an event gets the stream as it is.
 */
final class KeepAlive {

    private KeepAlive() {
    }

    static Multi<byte[]> of(Multi<byte[]> events, byte[] ping, Duration every) {
        if (ping.length == 0) {
            return events;
        }
        ScheduledExecutorService timers = Infrastructure.getDefaultWorkerPool();
        AtomicLong lastSent = new AtomicLong(System.nanoTime());
        AtomicBoolean ended = new AtomicBoolean();
        AtomicReference<MultiEmitter<? super byte[]>> pinger = new AtomicReference<>();
        Multi<byte[]> pings = Multi.createFrom().emitter(emitter -> {
            long nanos = every.toNanos();
            ScheduledFuture<?> timer = timers.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastSent.get() >= nanos) {
                    lastSent.set(System.nanoTime());
                    emitter.emit(ping);
                }
            }, nanos, nanos, TimeUnit.NANOSECONDS);
            emitter.onTermination(() -> timer.cancel(false));
            // set, then look: whichever of the two sides comes second ends the pings
            pinger.set(emitter);
            if (ended.get()) {
                emitter.complete();
            }
        });
        Multi<byte[]> watched = events
                .invoke(bytes -> lastSent.set(System.nanoTime()))
                .onTermination().invoke(() -> {
                    ended.set(true);
                    MultiEmitter<? super byte[]> emitter = pinger.get();
                    if (emitter != null) {
                        emitter.complete();
                    }
                });
        return Multi.createBy().merging().streams(watched, pings);
    }
}
