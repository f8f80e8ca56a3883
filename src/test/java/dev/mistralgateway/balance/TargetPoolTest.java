package dev.mistralgateway.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.config.Auth;
import dev.mistralgateway.config.Balancing;
import dev.mistralgateway.config.Balancing.Algorithm;
import dev.mistralgateway.config.MistralFormat;
import dev.mistralgateway.config.ModelOptions;
import dev.mistralgateway.config.Route;
import dev.mistralgateway.config.RouteType;
import dev.mistralgateway.config.StreamingMode;
import dev.mistralgateway.config.Target;
import dev.mistralgateway.openai.Usage;

/** Each algorithm, deterministically: the test owns the clock and plays the outcomes. */
class TargetPoolTest {

    private final AtomicLong now = new AtomicLong(-5_000_000_000L);

    private static Target target(int index, int weight) {
        return target(index, weight, URI.create("http://upstream-" + index + ".internal/v1/chat/completions"));
    }

    private static Target target(int index, int weight, URI upstream) {
        ModelOptions options = new ModelOptions(OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalDouble.of(1), OptionalDouble.of(3));
        return new Target(index, RouteType.CHAT, Auth.NONE, Optional.of("m"), Optional.empty(), MistralFormat.OPENAI, upstream, options,
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
                targets, dev.mistralgateway.config.ClientApiKind.OPENAI);
    }

    private TargetPool pool(Route route) {
        return new TargetPool(route, now::get);
    }

    private static int pickAndSucceed(TargetPool pool, String key, Duration took, Usage usage) {
        Target target = pool.pick(key, Set.of()).orElseThrow();
        pool.succeeded(target, took, usage, 1);
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
        assertEquals(2, pool.pick(null, Set.of(0, 1)).orElseThrow().index());
        assertEquals(3, pool.pick(null, Set.of(0, 1, 2)).orElseThrow().index());
        assertTrue(pool.pick(null, Set.of(0, 1, 2, 3)).isEmpty());
    }

    @Test
    void lowestLatencyFollowsTheFastestAndLeavesASlowedTarget() {
        TargetPool pool = pool(route(Algorithm.LOWEST_LATENCY, 0, 100, 100));
        Duration[] speed = { Duration.ofMillis(100), Duration.ofMillis(200) };
        int[] counts = new int[2];
        for (int i = 0; i < 100; i++) {
            Target target = pool.pick(null, Set.of()).orElseThrow();
            pool.succeeded(target, speed[target.index()], null, 1);
            counts[target.index()]++;
        }
        assertTrue(counts[0] >= 98, "the fast target served " + counts[0]);

        speed[0] = Duration.ofMillis(900);
        int servedBySlowed = 0;
        for (int i = 0; i < 100; i++) {
            Target target = pool.pick(null, Set.of()).orElseThrow();
            pool.succeeded(target, speed[target.index()], null, 1);
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
        Target first = pool.pick(null, Set.of()).orElseThrow();
        Target second = pool.pick(null, Set.of()).orElseThrow();
        Target third = pool.pick(null, Set.of()).orElseThrow();
        assertEquals(Set.of(0, 1, 2), Set.of(first.index(), second.index(), third.index()));
        pool.succeeded(second, Duration.ZERO, null, 1);
        assertEquals(second.index(), pool.pick(null, Set.of()).orElseThrow().index());
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
        int first = pool.pick("user-1", Set.of()).orElseThrow().index();
        int second = pool.pick("user-1", Set.of(first)).orElseThrow().index();
        assertTrue(first != second);
        assertEquals(second, pool.pick("user-1", Set.of(first)).orElseThrow().index(), "the same next one each time");
    }

    @Test
    void theBreakerOpensAfterMaxFailsAndLetsOneTrialThroughAfterTheTimeout() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 2, 100));
        for (int i = 0; i < 2; i++) {
            pool.failed(pool.pick(null, Set.of()).orElseThrow(), true, Optional.empty());
        }
        assertTrue(pool.pick(null, Set.of()).isEmpty(), "open");
        assertEquals(Duration.ofSeconds(10), pool.untilNextAvailable());

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        Target trial = pool.pick(null, Set.of()).orElseThrow();
        assertTrue(pool.pick(null, Set.of()).isEmpty(), "one trial at a time");
        pool.failed(trial, true, Optional.empty());
        assertTrue(pool.pick(null, Set.of()).isEmpty(), "a failed trial opens it again");

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        pool.succeeded(pool.pick(null, Set.of()).orElseThrow(), Duration.ZERO, null, 1);
        for (int i = 0; i < 5; i++) {
            assertTrue(pool.pick(null, Set.of()).isPresent(), "closed again");
        }
    }

    @Test
    void retryAfterKeepsATargetOutThatLong() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 0, 100, 100));
        Target limited = pool.pick(null, Set.of()).orElseThrow();
        pool.failed(limited, false, Optional.of(Duration.ofSeconds(3)));
        for (int i = 0; i < 10; i++) {
            Target next = pool.pick(null, Set.of()).orElseThrow();
            assertTrue(next.index() != limited.index());
            pool.succeeded(next, Duration.ZERO, null, 1);
        }
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        Set<Integer> seen = new java.util.HashSet<>();
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
        java.util.Arrays.fill(weights, 100);
        return weights;
    }

    /** An answer without usage is measured per stream event (or estimated token), not as one token. */
    @Test
    void timePerTokenWithoutUsageDividesByTheOutputItCounted() {
        TargetPool pool = pool(tpotRoute(2));
        pool.succeeded(target(0, 100), Duration.ofMillis(1000), null, 100);
        pool.succeeded(target(1, 100), Duration.ofMillis(100), Usage.of(5, 2), 0);

        assertEquals(0, pool.pick(null, Set.of()).orElseThrow().index(), "10 ms a token beats 50");
    }

    /** Each attempt is timed from its own start: a failed attempt before it does not slow its target down. */
    @Test
    void anAttemptIsTimedFromItsOwnStart() {
        TargetPool pool = pool(route(Algorithm.LOWEST_LATENCY, 0, 100, 100, 100));
        Attempt measured = pool.begin(null, Set.of(0, 1)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        measured.succeeded(null, 1);

        Attempt first = pool.begin(null, Set.of(2)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        first.failed(true, Optional.empty());
        Attempt second = pool.begin(null, Set.of(2, first.target().index())).orElseThrow();
        now.addAndGet(Duration.ofMillis(100).toNanos());
        second.succeeded(null, 1);
        second.failed(true, Optional.empty());

        assertEquals(Duration.ofMillis(100), second.elapsed());
        assertEquals(second.target().index(), pool.pick(null, Set.of(first.target().index())).orElseThrow().index(),
                "100 ms beats the 1 s target: the 5 s of the failed attempt before did not count");
    }

    /** A breaker's trial in flight holds its target without a pause asked by the upstream: not rate limited. */
    @Test
    void aTargetHeldByItsTrialIsNotRateLimited() {
        TargetPool pool = pool(route(Algorithm.ROUND_ROBIN, 1, 100));
        pool.begin(null, Set.of()).orElseThrow().failed(true, Optional.empty());
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        Attempt trial = pool.begin(null, Set.of()).orElseThrow();

        assertTrue(pool.begin(null, Set.of()).isEmpty(), "one trial at a time");
        assertTrue(!pool.allOutAreRateLimited(), "the route is busy with a trial (503), not paused (429)");
        trial.released();
        assertTrue(pool.begin(null, Set.of()).isPresent(), "an abandoned trial frees its target for the next one");
    }
}
