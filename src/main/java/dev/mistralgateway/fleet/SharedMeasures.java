package dev.mistralgateway.fleet;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;

/**
 * The balancer's part of the {@link SharedState}: the round-robin sequence, the measures of
 * {@code lowest-latency} and {@code lowest-usage}, the in-flight leases of {@code least-connections}.
 * Each write lands in this instance's {@link LocalStore} at once and goes to the fleet's store
 * beside the upstream call; the caller lets it finish before its answer does. Measures are read
 * from a copy of the fleet's no older than the freshness; in-flight counts in such a copy are
 * brought up to date with this instance's own leases since it was read, so a burst on one instance
 * spreads even between two reads. A turn is always the fleet's, so weights hold exactly.
 */
public final class SharedMeasures {

    /** A request's hold on its target: {@link #release} ends it, its expiry ends it without us. */
    public record Lease(String route, int target, String id, Uni<Void> written) {
    }

    private record Copy(TargetMeasures[] measures, int[] ownWhenRead, long readAt) {
    }

    private final LocalMeasures local;
    private final Optional<FleetStore> fleet;
    private final long freshness;
    private final LongSupplier clock;
    private final SharedState guard;
    private final Map<String, Copy> copies = new ConcurrentHashMap<>();
    /** Routes whose measures are being read from the fleet now, and since when. */
    private final Map<String, Long> reading = new ConcurrentHashMap<>();
    /** Lease ids: this instance's own prefix and a count, cheaper per request than a random UUID each. */
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong leases = new AtomicLong();

    SharedMeasures(LocalStore local, Optional<FleetStore> fleet, long freshness, LongSupplier clock,
            SharedState guard) {
        this.local = local.balancer();
        this.fleet = fleet;
        this.freshness = freshness;
        this.clock = clock;
        this.guard = guard;
    }

    /** The route's next round-robin slot: the fleet's counter, this instance's while Redis does not answer. */
    public Uni<Long> nextTurn(String route) {
        long mine = local.nextTurn(route);
        return fleet.isEmpty() ? Uni.createFrom().item(mine)
                : guard.guarded("take a round-robin turn", fleet.get().nextTurn(route), () -> mine);
    }

    /** The targets' measures, from a copy of the fleet's no older than the freshness. */
    public Uni<TargetMeasures[]> measures(String route, int targets) {
        long now = clock.getAsLong();
        if (fleet.isEmpty()) {
            return Uni.createFrom().item(local.measures(route, targets, now));
        }
        int[] own = local.inFlight(route, targets, now);
        Copy copy = copies.get(route);
        boolean usable = copy != null && copy.measures().length == targets;
        if (usable && now - copy.readAt() < freshness) {
            return Uni.createFrom().item(brought(copy, own));
        }
        // one read at a time per route: picks meanwhile go on with the copy they have, rather than
        // every request of a burst reading Redis at once when the copy has grown old; a read that
        // takes longer than the freshness no longer holds the others back (freshness 0 reads at
        // every pick, as it says)
        if (freshness > 0) {
            Long since = reading.putIfAbsent(route, now);
            if (since != null && usable && now - since < freshness) {
                return Uni.createFrom().item(brought(copy, own));
            }
            reading.put(route, now);
        }
        return guard.guarded("read the balancer's measures", fleet.get().measures(route, targets, now),
                () -> local.measures(route, targets, now))
                .invoke(measures -> copies.put(route, new Copy(measures, own, now)))
                .onTermination().invoke(() -> reading.remove(route, now));
    }

    /** The copy's counts with this instance's leases taken or ended since it was read. */
    private static TargetMeasures[] brought(Copy copy, int[] own) {
        TargetMeasures[] measures = copy.measures().clone();
        for (int target = 0; target < measures.length; target++) {
            int others = measures[target].inFlight() - copy.ownWhenRead()[target];
            measures[target] = measures[target].withInFlight(Math.max(own[target], others + own[target]));
        }
        return measures;
    }

    /** Takes a lease until {@code until} at the latest; its write to the fleet starts now. */
    public Lease lease(String route, int target, long until) {
        String id = instance + ":" + leases.incrementAndGet();
        long now = clock.getAsLong();
        local.lease(route, target, id, until);
        Uni<Void> written = Uni.createFrom().voidItem();
        if (fleet.isPresent()) {
            written = guard.<Void> guarded("take a lease", fleet.get().lease(route, target, id, now, until), () -> null)
                    .memoize().indefinitely();
            written.subscribe().with(done -> {
            }, failure -> {
            });
        }
        return new Lease(route, target, id, written);
    }

    /** Ends the lease, once its own write is done (a release must not overtake it). */
    public Uni<Void> release(Lease lease) {
        local.release(lease.route(), lease.target(), lease.id());
        if (fleet.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return lease.written().chain(() -> guard.<Void> guarded("end a lease",
                fleet.get().release(lease.route(), lease.target(), lease.id()), () -> null));
    }

    /** An answer's measures ({@link FleetStore#measured}). */
    public Uni<Void> measured(String route, int target, double latency, double smoothing, double usage) {
        local.measured(route, target, latency, smoothing, usage);
        return fleet.isEmpty() ? Uni.createFrom().voidItem()
                : guard.<Void> guarded("write a measure", fleet.get().measured(route, target, latency, smoothing, usage),
                        () -> null);
    }
}
