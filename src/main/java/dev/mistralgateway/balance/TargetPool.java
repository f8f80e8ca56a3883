package dev.mistralgateway.balance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.fleet.SharedState;
import dev.mistralgateway.fleet.TargetView;
import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import io.smallrye.mutiny.Uni;

/**
 * A route's targets: the balancing algorithm picks among those that may serve now, every
 * attempt's outcome feeds back into the measures the algorithm reads ({@link PickReadings}) and the
 * circuit breakers and pauses, all of them the fleet's when it shares a store ({@link SharedState}). The clock is injected so
 * tests decide what time it is.
 */
public final class TargetPool {

    private final Balancing balancing;
    private final List<TargetState> states = new ArrayList<>();
    private final Picker picker;
    /** Round-robin's cycle, on the fleet's sequence; null for the other algorithms. */
    private final WeightedCycle cycle;
    private final PickReadings readings;
    private final LongSupplier nanoTime;
    private final SharedState shared;
    private final String key;
    /** How long a trial holds its target at most, should its instance never end it (frozen, gone). */
    private final long trialHold;

    public TargetPool(Route route, LongSupplier nanoTime, SharedState shared) {
        this.balancing = route.balancing();
        this.nanoTime = nanoTime;
        this.shared = shared;
        this.key = route.index() + "-" + route.name();
        Route.Timeouts timeouts = route.timeouts();
        this.trialHold = timeouts.connect().plus(timeouts.read()).plus(timeouts.write()).toMillis();
        for (Target target : route.targets()) {
            states.add(new TargetState(target));
        }
        this.cycle = balancing.algorithm() == Balancing.Algorithm.ROUND_ROBIN ? new WeightedCycle(states) : null;
        this.readings = new PickReadings(balancing, shared.measures(), key, states.size());
        this.picker = switch (balancing.algorithm()) {
            // semantic: the prompt's group of targets (the others are passed over), round-robin among them
            case ROUND_ROBIN, SEMANTIC -> new WeightedRoundRobin();
            case PRIORITY -> new Priority();
            case LOWEST_LATENCY -> LowestMeasure.latency();
            case LOWEST_USAGE -> LowestMeasure.usage();
            case LEAST_CONNECTIONS -> LowestMeasure.connections();
            case CONSISTENT_HASHING -> new ConsistentHashing(states);
        };
    }

    /**
     * The next attempt, on a target not tried yet for this request and not out (open circuit,
     * Retry-After); empty when none is left. A target whose breaker's rest has passed takes one
     * trial for the fleet: the attempt that claims it is the trial, and only it ends the trial.
     * The attempt counts in flight, and settles the pool's bookkeeping once, however it ends.
     */
    public Uni<Optional<Attempt>> begin(String hashKey, Set<Integer> tried) {
        return shared.view(key, states.size()).onItem().transformToUni(views -> readings.read()
                .onItem().transformToUni(read -> begin(hashKey, tried, views, read)));
    }

    private Uni<Optional<Attempt>> begin(String hashKey, Set<Integer> passedOver, TargetView[] views,
            PickReadings.Readings read) {
        long now = shared.now();
        TargetState picked;
        synchronized (this) {
            List<TargetState> candidates = new ArrayList<>(states.size());
            for (TargetState state : states) {
                if (!passedOver.contains(state.index()) && views[state.index()].mayServe(now)) {
                    candidates.add(state);
                }
            }
            if (candidates.isEmpty()) {
                return Uni.createFrom().item(Optional.empty());
            }
            read.applyTo(states);
            picked = cycle != null ? cycle.pick(candidates, read.turn()) : picker.pick(candidates, hashKey);
        }
        if (!views[picked.index()].open()) {
            return Uni.createFrom().item(Optional.of(attempt(picked, null)));
        }
        String owner = UUID.randomUUID().toString();
        return shared.claimTrial(key, picked.index(), owner, now + trialHold).onItem().transformToUni(claimed -> {
            if (claimed) {
                return Uni.createFrom().item(Optional.of(attempt(picked, owner)));
            }
            // another request (of this instance or another) is the trial: look further
            Set<Integer> further = new HashSet<>(passedOver);
            further.add(picked.index());
            return begin(hashKey, further);
        });
    }

    /** An attempt in flight: a lease on its target for least-connections, held as long as a trial at most. */
    private Attempt attempt(TargetState picked, String trialOwner) {
        return new Attempt(this, picked.target, nanoTime, trialOwner, readings.lease(picked.index(), shared.now(), trialHold));
    }

    /** The attempt answered; its measures feed the algorithm. A trial closes the breaker. */
    Uni<Void> succeeded(Attempt attempt, Duration elapsed, Usage usage, long outputUnits) {
        Target target = attempt.target();
        Uni<Void> measured = readings.answered(attempt.lease(), target, elapsed, usage, outputUnits);
        return attempt.trialOwner() == null ? measured
                : PickReadings.both(measured, shared.trialEnded(key, target.index(), attempt.trialOwner(), true));
    }

    /**
     * The attempt failed. A failure its criterion counts ({@link FailureCount}) goes to the breaker;
     * {@code retryAfter} keeps the target out that long for the fleet (a 429). A trial that failed
     * in a way that does not count still ends: the upstream answered, and its breaker closes.
     */
    Uni<Void> failed(Attempt attempt, FailoverCriterion criterion, Optional<Duration> retryAfter) {
        int index = attempt.target().index();
        Uni<Void> ended = readings.ended(attempt.lease());
        Uni<Void> breaker;
        if (FailureCount.counts(balancing, criterion)) {
            breaker = shared.failed(key, index, attempt.trialOwner(), balancing.maxFails(),
                    balancing.failTimeout().toMillis());
        } else if (attempt.trialOwner() != null) {
            breaker = shared.trialEnded(key, index, attempt.trialOwner(), retryAfter.isEmpty());
        } else {
            breaker = Uni.createFrom().voidItem();
        }
        if (retryAfter.isEmpty()) {
            return PickReadings.both(ended, breaker);
        }
        long until = shared.now() + retryAfter.get().toMillis();
        return PickReadings.both(ended, breaker.chain(() -> shared.paused(key, index, until)));
    }

    /** The attempt ended without a verdict on the target (the client left): no longer in flight, its trial over. */
    Uni<Void> released(Attempt attempt) {
        Uni<Void> ended = readings.ended(attempt.lease());
        return attempt.trialOwner() == null ? ended
                : PickReadings.both(ended, shared.trialEnded(key, attempt.target().index(), attempt.trialOwner(), false));
    }

    /**
     * Whether every target that is out now is out only because its upstream asked for a pause; false
     * when none is out (the targets are then held by a circuit breaker's trial in flight).
     */
    public boolean allOutAreRateLimited() {
        long now = shared.now();
        List<TargetView> out = List.of(shared.lastView(key, states.size())).stream()
                .filter(view -> view.isOut(now)).toList();
        return !out.isEmpty() && out.stream().allMatch(TargetView::paused);
    }

    /** How long until some target that is out now may serve again, for a client's Retry-After. */
    public Duration untilNextAvailable() {
        long now = shared.now();
        long soonest = Long.MAX_VALUE;
        for (TargetView view : shared.lastView(key, states.size())) {
            // a target held by a trial may be free in a moment: it counts as now
            soonest = Math.min(soonest, Math.max(0, view.outUntil() - now));
        }
        return Duration.ofMillis(soonest == Long.MAX_VALUE ? 0 : soonest);
    }
}
