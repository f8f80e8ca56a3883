package dev.mistralgateway.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.fleet.SharedState;
import dev.mistralgateway.route.Auth;
import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.Balancing.Algorithm;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.ModelOptions;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.StreamingMode;
import dev.mistralgateway.route.Target;

/** Each algorithm, deterministically: the test owns the clock and plays the outcomes. */
class TargetPoolTest {

    private final AtomicLong now = new AtomicLong(-5_000_000_000L);

    private static Target target(int index, int weight) {
        return target(index, weight, URI.create("http://upstream-" + index + ".internal/v1/chat/completions"));
    }

    private static Target target(int index, int weight, URI upstream) {
        ModelOptions options = new ModelOptions(OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalDouble.of(1), OptionalDouble.of(3));
        return new Target(index, RouteType.CHAT, Auth.NONE, Optional.of("m"), Optional.empty(), MistralFormat.OPENAI, upstream,
                options,
                false, Map.of(), false, false, weight);
    }

    private static Route route(Algorithm algorithm, int maxFails, int... weights) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            targets.add(target(i, weights[i]));
        }
        return route(algorithm, maxFails, targets);
    }

    private static Route route(Algorithm algorithm, int maxFails, List<Target> targets) {
        Balancing balancing = new Balancing(algorithm, 5, EnumSet.of(Balancing.FailoverCriterion.ERROR), "X-User",
                Balancing.LatencyStrategy.E2E, Balancing.TokensCountStrategy.TOTAL_TOKENS, maxFails,
                Duration.ofSeconds(10));
        Duration minute = Duration.ofMinutes(1);
        return new Route(0, "r", List.of("/r"), StreamingMode.ALLOW, 0, true,
                new Route.Timeouts(minute, minute, minute), balancing, Optional.empty(), 1000, Route.StreamLimits.NONE,
                targets, ClientApiKind.OPENAI);
    }

    private TargetPool pool(Route route) {
        return new TargetPool(route, now::get, SharedState.perInstance(() -> Math.floorDiv(now.get(), 1_000_000)));
    }

    /** The attempts begun by {@link #pick} and not settled yet, by target: the old pick-then-settle calls. */
    private final Map<Integer, Deque<Attempt>> unsettled = new HashMap<>();

    private static Optional<Attempt> begun(TargetPool pool, String key, Set<Integer> tried) {
        return pool.begin(key, tried).await().indefinitely();
    }

    private Optional<Target> pick(TargetPool pool, String key, Set<Integer> tried) {
        Optional<Attempt> attempt = begun(pool, key, tried);
        attempt.ifPresent(a -> unsettled.computeIfAbsent(a.target().index(), index -> new ArrayDeque<>()).add(a));
        return attempt.map(Attempt::target);
    }

    private Attempt attemptOn(TargetPool pool, Target target) {
        Deque<Attempt> open = unsettled.get(target.index());
        return open == null || open.isEmpty() ? new Attempt(pool, target, now::get, null) : open.poll();
    }

    private void succeeded(TargetPool pool, Target target, Duration took, Usage usage, long outputUnits) {
        pool.succeeded(attemptOn(pool, target), took, usage, outputUnits).await().indefinitely();
    }

    private void failed(TargetPool pool, Target target, Balancing.FailoverCriterion criterion,
            Optional<Duration> retryAfter) {
        attemptOn(pool, target).failed(criterion, retryAfter).await().indefinitely();
    }

    private int pickAndSucceed(TargetPool pool, String key, Duration took, Usage usage) {
        Target target = pick(pool, key, Set.of()).orElseThrow();
        succeeded(pool, target, took, usage, 1);
        return target.index();
    }

    @Test
    void roundRobinFollowsTheWeightsWithinTwoPercent() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 0, 70, 25, 5));
        int[] counts = new int[3];
        for (int i = 0; i < 10_000; i++) {
            counts[pickAndSucceed(pool, null, Duration.ofMillis(10), null)]++;
        }
        assertEquals(7000, counts[0], 200);
        assertEquals(2500, counts[1], 200);
        assertEquals(500, counts[2], 200);
    }

    @Test
    void roundRobinSpreadsRatherThanBursts() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 0, 5, 1, 1));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append(pickAndSucceed(pool, null, Duration.ZERO, null));
        }
        assertEquals("0010200", order.toString());
    }

    @Test
    void priorityUsesTheNextGroupOnlyWhenTheWholeGroupIsOut() {
        TargetPool pool = pool(route(Algorithm.PRIORITY, 0, 100, 100, 50, 10));
        int[] counts = new int[4];
        for (int i = 0; i < 1000; i++) {
            counts[pickAndSucceed(pool, null, Duration.ZERO, null)]++;
        }
        assertEquals(List.of(500, 500, 0, 0), List.of(counts[0], counts[1], counts[2], counts[3]));

        // a request that tried both targets of the first group falls to the second, then the third
        assertEquals(2, pick(pool, null, Set.of(0, 1)).orElseThrow().index());
        assertEquals(3, pick(pool, null, Set.of(0, 1, 2)).orElseThrow().index());
        assertTrue(pick(pool, null, Set.of(0, 1, 2, 3)).isEmpty());
    }

    @Test
    void lowestLatencyFollowsTheFastestAndLeavesASlowedTarget() {
        TargetPool pool = pool(route(Algorithm.LOWEST_LATENCY, 0, 100, 100));
        Duration[] speed = { Duration.ofMillis(100), Duration.ofMillis(200) };
        int[] counts = new int[2];
        for (int i = 0; i < 100; i++) {
            Target target = pick(pool, null, Set.of()).orElseThrow();
            succeeded(pool, target, speed[target.index()], null, 1);
            counts[target.index()]++;
        }
        assertTrue(counts[0] >= 98, "the fast target served " + counts[0]);

        speed[0] = Duration.ofMillis(900);
        int servedBySlowed = 0;
        for (int i = 0; i < 100; i++) {
            Target target = pick(pool, null, Set.of()).orElseThrow();
            succeeded(pool, target, speed[target.index()], null, 1);
            servedBySlowed += target.index() == 0 ? 1 : 0;
        }
        assertTrue(servedBySlowed <= 5, "the slowed target still served " + servedBySlowed);
    }

    @Test
    void lowestUsageGoesToTheTargetThatServedFewestTokens() {
        TargetPool pool = pool(route(Algorithm.LOWEST_USAGE, 0, 100, 100));
        assertEquals(0, pickAndSucceed(pool, null, Duration.ZERO, Usage.of(100, 900)));
        assertEquals(1, pickAndSucceed(pool, null, Duration.ZERO, Usage.of(10, 10)));
        for (int i = 0; i < 20; i++) {
            assertEquals(1, pickAndSucceed(pool, null, Duration.ZERO, Usage.of(10, 10)));
        }
    }

    @Test
    void leastConnectionsGoesToTheTargetWithFewestInFlight() {
        TargetPool pool = pool(route(Algorithm.LEAST_CONNECTIONS, 0, 100, 100, 100));
        Target first = pick(pool, null, Set.of()).orElseThrow();
        Target second = pick(pool, null, Set.of()).orElseThrow();
        Target third = pick(pool, null, Set.of()).orElseThrow();
        assertEquals(Set.of(0, 1, 2), Set.of(first.index(), second.index(), third.index()));
        succeeded(pool, second, Duration.ZERO, null, 1);
        assertEquals(second.index(), pick(pool, null, Set.of()).orElseThrow().index());
    }

    @Test
    void consistentHashingIsStickyAndKeepsNinetyPercentWhenATargetGoes() {
        List<Target> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(target(i, 100));
        }
        TargetPool all = pool(route(Algorithm.CONSISTENT_HASHING, 0, ten));
        List<Target> nine = new ArrayList<>();
        for (Target target : ten) {
            if (target.index() != 4) {
                // the same upstreams less one, numbered anew as a user's edited configuration would be
                nine.add(target(nine.size(), 100, target.upstreamUrl()));
            }
        }
        TargetPool fewer = pool(route(Algorithm.CONSISTENT_HASHING, 0, nine));

        int kept = 0;
        int keys = 10_000;
        for (int key = 0; key < keys; key++) {
            String user = "user-" + key;
            URI before = ten.get(pickAndSucceed(all, user, Duration.ZERO, null)).upstreamUrl();
            assertEquals(before, ten.get(pickAndSucceed(all, user, Duration.ZERO, null)).upstreamUrl(), "sticky");
            URI after = nine.get(pickAndSucceed(fewer, user, Duration.ZERO, null)).upstreamUrl();
            kept += before.equals(after) ? 1 : 0;
        }
        assertTrue(kept >= keys * 0.9, "kept " + kept + " of " + keys);
    }

    @Test
    void consistentHashingMovesOnToTheNextTargetOnTheRingOnFailover() {
        TargetPool pool = pool(route(Algorithm.CONSISTENT_HASHING, 0, 100, 100, 100));
        int first = pick(pool, "user-1", Set.of()).orElseThrow().index();
        int second = pick(pool, "user-1", Set.of(first)).orElseThrow().index();
        assertTrue(first != second);
        assertEquals(second, pick(pool, "user-1", Set.of(first)).orElseThrow().index(), "the same next one each time");
    }

    @Test
    void theBreakerOpensAfterMaxFailsAndLetsOneTrialThroughAfterTheTimeout() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 2, 100));
        for (int i = 0; i < 2; i++) {
            failed(pool, pick(pool, null, Set.of()).orElseThrow(), Balancing.FailoverCriterion.ERROR, Optional.empty());
        }
        assertTrue(pick(pool, null, Set.of()).isEmpty(), "open");
        assertEquals(Duration.ofSeconds(10), pool.untilNextAvailable());

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        Target trial = pick(pool, null, Set.of()).orElseThrow();
        assertTrue(pick(pool, null, Set.of()).isEmpty(), "one trial at a time");
        failed(pool, trial, Balancing.FailoverCriterion.ERROR, Optional.empty());
        assertTrue(pick(pool, null, Set.of()).isEmpty(), "a failed trial opens it again");

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        succeeded(pool, pick(pool, null, Set.of()).orElseThrow(), Duration.ZERO, null, 1);
        for (int i = 0; i < 5; i++) {
            assertTrue(pick(pool, null, Set.of()).isPresent(), "closed again");
        }
    }

    @Test
    void retryAfterKeepsATargetOutThatLong() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 0, 100, 100));
        Target limited = pick(pool, null, Set.of()).orElseThrow();
        failed(pool, limited, Balancing.FailoverCriterion.HTTP_429, Optional.of(Duration.ofSeconds(3)));
        for (int i = 0; i < 10; i++) {
            Target next = pick(pool, null, Set.of()).orElseThrow();
            assertTrue(next.index() != limited.index());
            succeeded(pool, next, Duration.ZERO, null, 1);
        }
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(pickAndSucceed(pool, null, Duration.ZERO, null));
        }
        assertEquals(Set.of(0, 1), seen);
    }

    private static Route tpotRoute(int targets) {
        Route e2e = route(Algorithm.LOWEST_LATENCY, 0, weights(targets));
        Balancing tpot = new Balancing(Algorithm.LOWEST_LATENCY, 5, EnumSet.of(Balancing.FailoverCriterion.ERROR),
                "X-User", Balancing.LatencyStrategy.TPOT, Balancing.TokensCountStrategy.TOTAL_TOKENS, 0,
                Duration.ofSeconds(10));
        return new Route(0, "r", e2e.paths(), e2e.streaming(), 0, true, e2e.timeouts(), tpot, Optional.empty(), 1000,
                Route.StreamLimits.NONE, e2e.targets(), e2e.clientApi());
    }

    private static int[] weights(int targets) {
        int[] weights = new int[targets];
        Arrays.fill(weights, 100);
        return weights;
    }

    /** An answer without usage is measured per stream event (or estimated token), not as one token. */
    @Test
    void timePerTokenWithoutUsageDividesByTheOutputItCounted() {
        TargetPool pool = pool(tpotRoute(2));
        succeeded(pool, target(0, 100), Duration.ofMillis(1000), null, 100);
        succeeded(pool, target(1, 100), Duration.ofMillis(100), Usage.of(5, 2), 0);

        assertEquals(0, pick(pool, null, Set.of()).orElseThrow().index(), "10 ms a token beats 50");
    }

    /** Each attempt is timed from its own start: a failed attempt before it does not slow its target down. */
    @Test
    void anAttemptIsTimedFromItsOwnStart() {
        TargetPool pool = pool(route(Algorithm.LOWEST_LATENCY, 0, 100, 100, 100));
        Attempt measured = begun(pool, null, Set.of(0, 1)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        measured.succeeded(null, 1);

        Attempt first = begun(pool, null, Set.of(2)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        first.failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        Attempt second = begun(pool, null, Set.of(2, first.target().index())).orElseThrow();
        now.addAndGet(Duration.ofMillis(100).toNanos());
        second.succeeded(null, 1);
        second.failed(Balancing.FailoverCriterion.ERROR, Optional.empty());

        assertEquals(Duration.ofMillis(100), second.elapsed());
        assertEquals(second.target().index(), pick(pool, null, Set.of(first.target().index())).orElseThrow().index(),
                "100 ms beats the 1 s target: the 5 s of the failed attempt before did not count");
    }

    /** A breaker's trial in flight holds its target without a pause asked by the upstream: not rate limited. */
    @Test
    void aTargetHeldByItsTrialIsNotRateLimited() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 1, 100));
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        Attempt trial = begun(pool, null, Set.of()).orElseThrow();

        assertTrue(begun(pool, null, Set.of()).isEmpty(), "one trial at a time");
        assertTrue(!pool.allOutAreRateLimited(), "the route is busy with a trial (503), not paused (429)");
        trial.released();
        assertTrue(begun(pool, null, Set.of()).isPresent(), "an abandoned trial frees its target for the next one");
    }

    /** Kong counts max_fails failures within fail_timeout, not in a row: a success between them does not reset it. */
    @Test
    void failuresWithinTheTimeoutOpenTheBreakerEvenWithSuccessesBetween() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 2, 100));
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        begun(pool, null, Set.of()).orElseThrow().succeeded(null, 1);
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());

        assertTrue(begun(pool, null, Set.of()).isEmpty(), "two failures within 10 s open it");
    }

    @Test
    void failuresFartherApartThanTheTimeoutDoNotAddUp() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 2, 100));
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());

        assertTrue(begun(pool, null, Set.of()).isPresent(), "the first failure is older than fail_timeout");
    }

    /**
     * The route's criteria are {@code error} only: {@code timeout} counts anyway, an {@code http_500}
     * (not among them) does not, and {@code http_403}/{@code http_404} never do.
     */
    @Test
    void theFailoverCriteriaDecideWhatCounts() {
        for (Balancing.FailoverCriterion ignored : List.of(Balancing.FailoverCriterion.HTTP_500,
                Balancing.FailoverCriterion.HTTP_403, Balancing.FailoverCriterion.HTTP_404)) {
            TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 1, 100));
            begun(pool, null, Set.of()).orElseThrow().failed(ignored, Optional.empty());
            assertTrue(begun(pool, null, Set.of()).isPresent(), ignored + " must not count");
        }
        Route listed = route(Algorithm.ROUND_ROBIN, 1, 100);
        Balancing all = new Balancing(Algorithm.ROUND_ROBIN, 5, EnumSet.allOf(Balancing.FailoverCriterion.class),
                "X-User", Balancing.LatencyStrategy.E2E, Balancing.TokensCountStrategy.TOTAL_TOKENS, 1,
                Duration.ofSeconds(10));
        Route everyCriterion = new Route(0, "r", listed.paths(), listed.streaming(), 0, true, listed.timeouts(), all,
                Optional.empty(), 1000, Route.StreamLimits.NONE, listed.targets(), listed.clientApi());
        for (Balancing.FailoverCriterion never : List.of(Balancing.FailoverCriterion.HTTP_403,
                Balancing.FailoverCriterion.HTTP_404)) {
            TargetPool pool = pool(everyCriterion);
            begun(pool, null, Set.of()).orElseThrow().failed(never, Optional.empty());
            assertTrue(begun(pool, null, Set.of()).isPresent(), never + " never counts, even when listed");
        }
        TargetPool listing500 = pool(everyCriterion);
        begun(listing500, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.HTTP_500, Optional.empty());
        assertTrue(begun(listing500, null, Set.of()).isEmpty(), "a listed http_500 counts");

        TargetPool timedOut = pool(route(Algorithm.ROUND_ROBIN, 1, 100));
        begun(timedOut, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.TIMEOUT, Optional.empty());
        assertTrue(begun(timedOut, null, Set.of()).isEmpty(), "timeout always counts");
    }

    /**
     * Issue 25 item 13: with MAX_FAILS=1, a request begun before the breaker opened ends while the
     * trial runs. Its end must not end the trial, or a second trial starts beside the first.
     */
    @Test
    void onlyTheTrialEndsTheTrial() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 1, 100));
        Attempt before = begun(pool, null, Set.of()).orElseThrow();
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        Attempt trial = begun(pool, null, Set.of()).orElseThrow();
        assertTrue(trial.isTrial());

        before.released();
        assertTrue(begun(pool, null, Set.of()).isEmpty(), "a second trial started while the first runs");
        before.succeeded(null, 1);
        assertTrue(begun(pool, null, Set.of()).isEmpty(), "a second trial started while the first runs");

        trial.succeeded(null, 1);
        assertTrue(begun(pool, null, Set.of()).isPresent(), "the trial's success closes the breaker");
    }

    /** The same order with an attempt that succeeds: a success begun before the breaker opened does not close it. */
    @Test
    void aSuccessBegunBeforeTheBreakerOpenedNeitherEndsTheTrialNorClosesIt() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 1, 100));
        Attempt before = begun(pool, null, Set.of()).orElseThrow();
        begun(pool, null, Set.of()).orElseThrow().failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        Attempt trial = begun(pool, null, Set.of()).orElseThrow();

        before.succeeded(null, 1);
        assertTrue(begun(pool, null, Set.of()).isEmpty(), "one trial at a time");
        trial.failed(Balancing.FailoverCriterion.ERROR, Optional.empty());
        assertTrue(begun(pool, null, Set.of()).isEmpty(), "the failed trial rests the target again");
    }
}
