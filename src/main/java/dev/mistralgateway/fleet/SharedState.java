package dev.mistralgateway.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * The state the balancer and the rate limits read and write: the fleet's in Redis when one is
 * configured, each write also kept in this instance's {@link LocalStore}. Redis calls get a
 * deadline; one that fails or misses it costs the request nothing but the deadline, since the
 * instance answers from its own copy ({@link StoreTrouble} counts and logs it). Balancer reads come
 * from a copy of the fleet's no older than {@code freshness}; this instance's own writes drop that
 * copy, so it sees them at once.
 */
public final class SharedState {

    private record Copy(TargetView[] views, long readAt) {
    }

    private final LocalStore local;
    private final Optional<FleetStore> fleet;
    private final Duration deadline;
    private final long freshness;
    private final LongSupplier clock;
    private final StoreTrouble trouble;
    private final Map<String, Copy> copies = new ConcurrentHashMap<>();
    private final SharedMeasures measures;

    public SharedState(LocalStore local, Optional<FleetStore> fleet, Duration deadline, Duration freshness,
            LongSupplier clock, StoreTrouble trouble) {
        this.local = local;
        this.fleet = fleet;
        this.deadline = deadline;
        this.freshness = freshness.toMillis();
        this.clock = clock;
        this.trouble = trouble;
        this.measures = new SharedMeasures(local, fleet, this.freshness, clock, this);
    }

    /** The balancer's turns, measures and leases, on the same stores, deadline and freshness. */
    public SharedMeasures measures() {
        return measures;
    }

    /** This instance's state only, on this clock: without Redis, and in tests. */
    public static SharedState perInstance(LongSupplier clock) {
        return new SharedState(new LocalStore(), Optional.empty(), Duration.ZERO, Duration.ZERO, clock,
                new StoreTrouble(clock));
    }

    public boolean shared() {
        return fleet.isPresent();
    }

    /** Epoch milliseconds, the time every stored figure is in. */
    public long now() {
        return clock.getAsLong();
    }

    public StoreTrouble trouble() {
        return trouble;
    }

    /** The route's targets, from the fleet's copy when fresh enough, else read again. */
    public Uni<TargetView[]> view(String route, int targets) {
        if (fleet.isEmpty()) {
            return Uni.createFrom().item(local.view(route, targets));
        }
        long now = now();
        Copy copy = copies.get(route);
        if (copy != null && now - copy.readAt() < freshness) {
            return Uni.createFrom().item(copy.views());
        }
        return guarded("read", fleet.get().read(route, targets), () -> local.view(route, targets))
                .invoke(views -> copies.put(route, new Copy(views, now)));
    }

    /** The last view read (or this instance's own), at once: for messages after a pick found nothing. */
    public TargetView[] lastView(String route, int targets) {
        Copy copy = fleet.isEmpty() ? null : copies.get(route);
        return copy == null ? local.view(route, targets) : copy.views();
    }

    public Uni<Boolean> claimTrial(String route, int target, String owner, long until) {
        long now = now();
        copies.remove(route);
        boolean mine = local.claim(route, target, owner, now, until);
        return fleet.isEmpty() ? Uni.createFrom().item(mine)
                : guarded("claim a trial", fleet.get().claimTrial(route, target, owner, now, until), () -> mine);
    }

    public Uni<Void> failed(String route, int target, String trialOwner, int maxFails, long failTimeout) {
        long now = now();
        return write(route, store -> store.failed(route, target, trialOwner, now, maxFails, failTimeout));
    }

    public Uni<Void> paused(String route, int target, long until) {
        return write(route, store -> store.paused(route, target, until));
    }

    public Uni<Void> trialEnded(String route, int target, String owner, boolean closes) {
        return write(route, store -> store.trialEnded(route, target, owner, closes));
    }

    /** Checks and counts in the fleet's window (this instance's while Redis does not answer). */
    public Uni<WindowCount> take(String key, long window, double limit, double amount) {
        long now = now();
        if (fleet.isEmpty()) {
            return local.take(key, now, window, limit, amount);
        }
        return guarded("check a rate limit", fleet.get().take(key, now, window, limit, amount)
                .call(count -> count.allowed() ? local.add(key, now, window, amount) : Uni.createFrom().voidItem()),
                () -> local.count(key, now, window, limit, amount));
    }

    public Uni<Void> add(String key, long window, double amount) {
        long now = now();
        return write(null, store -> store.add(key, now, window, amount));
    }

    private Uni<Void> write(String route, Function<FleetStore, Uni<Void>> operation) {
        // the local store's write is done once called (LocalStore): its Uni needs no subscriber
        operation.apply(local);
        if (fleet.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (route != null) {
            copies.remove(route);
        }
        return guarded("write", operation.apply(fleet.get()), () -> null);
    }

    /** The fleet's answer within the deadline, else this instance's own. */
    <T> Uni<T> guarded(String operation, Uni<T> call, Supplier<T> fallback) {
        return call.ifNoItem().after(deadline).fail()
                .invoke(trouble::answered)
                .onFailure().recoverWithItem(failure -> {
                    trouble.fellBack(operation, failure);
                    return fallback.get();
                });
    }
}
