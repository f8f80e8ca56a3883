package dev.mistralgateway.proxy;

import java.util.concurrent.Flow;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Holds a stream back until its first item. Until then the stream can still fail without the
 * client having seen anything, so the request may move on to another target; once the first item
 * is there, the answer (status 200) is given, and its body is that item and the rest as the client
 * asks for them. Nothing is read ahead of the client's demand but the first item, so backpressure
 * and cancellation reach the upstream as before.
 *
 * <p>
 * The answered {@link Multi} takes one subscriber. A stream that ends or fails before its first
 * item fails the {@link Uni}; cancelling the {@link Uni} before then cancels the stream.
 */
final class FirstEvent<T> implements Flow.Subscriber<T>, Flow.Subscription {

    /** The stream completed without any item. */
    static final class NoItem extends RuntimeException {
        NoItem() {
            super("the upstream stream ended before its first event", null, false, false);
        }
    }

    private UniEmitter<? super Multi<T>> emitter;
    private Flow.Subscription upstream;
    private Flow.Subscriber<? super T> downstream;
    private T first;
    private boolean handedOver;
    private boolean firstDelivered;
    private boolean completed;
    private Throwable error;
    private boolean terminated;
    private boolean cancelled;

    private FirstEvent() {
    }

    /** The stream, once its first item has arrived. */
    static <T> Uni<Multi<T>> of(Multi<T> stream) {
        return Uni.createFrom().deferred(() -> {
            FirstEvent<T> relay = new FirstEvent<>();
            return Uni.createFrom().<Multi<T>> emitter(emitter -> {
                relay.emitter = emitter;
                stream.subscribe().withSubscriber(relay);
            }).onCancellation().invoke(relay::cancel);
        });
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription subscription) {
        upstream = subscription;
        if (cancelled) {
            subscription.cancel();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public synchronized void onNext(T item) {
        if (!handedOver) {
            first = item;
            handedOver = true;
            Flow.Publisher<T> rest = this::attach;
            emitter.complete(Multi.createFrom().publisher(rest));
            return;
        }
        // only after the client asked for it
        downstream.onNext(item);
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!handedOver) {
            emitter.fail(failure);
            return;
        }
        error = failure;
        terminate();
    }

    @Override
    public synchronized void onComplete() {
        if (!handedOver) {
            emitter.fail(new NoItem());
            return;
        }
        completed = true;
        terminate();
    }

    private synchronized void attach(Flow.Subscriber<? super T> subscriber) {
        if (downstream != null) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("an answer's body is read once"));
            return;
        }
        downstream = subscriber;
        subscriber.onSubscribe(this);
    }

    @Override
    public synchronized void request(long n) {
        if (cancelled || terminated || n <= 0) {
            return;
        }
        long more = n;
        if (!firstDelivered) {
            firstDelivered = true;
            T item = first;
            first = null;
            downstream.onNext(item);
            more--;
        }
        if (completed || error != null) {
            terminate();
        } else if (more > 0) {
            upstream.request(more);
        }
    }

    @Override
    public synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        first = null;
        if (upstream != null && !completed && error == null) {
            upstream.cancel();
        }
    }

    /** The stream's end reaches the client after its first item, never before. */
    private void terminate() {
        if (terminated || cancelled || downstream == null || !firstDelivered) {
            return;
        }
        terminated = true;
        if (error != null) {
            downstream.onError(error);
        } else {
            downstream.onComplete();
        }
    }
}
