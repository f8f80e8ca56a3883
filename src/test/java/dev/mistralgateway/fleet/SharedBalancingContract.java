package dev.mistralgateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.TestRoutes;
import io.smallrye.mutiny.Uni;

/**
 * The balancer's state shared by several instances, each with its own pool and local copy, over one
 * fleet store: round-robin weights hold exactly however requests spread, least-connections sees the
 * other instances' leases until they end or expire, and the latency and usage measures are the
 * fleet's. The clock is the test's; subclasses give the fleet's store (in memory, or a real Redis).
 */
abstract class SharedBalancingContract {

    /** Every figure below is in the test's time (epoch ms); the lease hold is the route's three timeouts. */
    protected final AtomicLong now = new AtomicLong(1_800_000_000_000L);

    /** The store the instances share; each call of a test sees the same one. */
    protected abstract FleetStore fleet();

    /** How long a call to the fleet may take here. */
    protected Duration deadline() {
        return Duration.ofSeconds(2);
    }

    SharedState instance(FleetStore fleet, long freshness) {
        return new SharedState(new LocalStore(), Optional.of(fleet), deadline(), Duration.ofMillis(freshness), now::get,
                new StoreTrouble(now::get));
    }

    SharedState instance() {
        return instance(fleet(), 0);
    }

    static Route route(String algorithm, int... weights) {
        Map<String, String> env = new HashMap<>(Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/chat",
                "AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", "0".repeat(64),
                "AI_PROXY_ROUTES_0__BALANCER_ALGORITHM", algorithm,
                "AI_PROXY_ROUTES_0__BALANCER_CONNECT_TIMEOUT", "1000",
                "AI_PROXY_ROUTES_0__BALANCER_READ_TIMEOUT", "3000",
                "AI_PROXY_ROUTES_0__BALANCER_WRITE_TIMEOUT", "1000"));
        for (int i = 0; i < weights.length; i++) {
            String at = "AI_PROXY_ROUTES_0__TARGETS_" + i + "__";
            env.put(at + "ROUTE_TYPE", "llm/v1/chat");
            env.put(at + "MODEL_PROVIDER", "mistral");
            env.put(at + "MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
            env.put(at + "MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:9/" + i + "/v1/chat/completions");
            env.put(at + "WEIGHT", String.valueOf(weights[i]));
        }
        return TestRoutes.fromEnvironment(env).get(0);
    }

    TargetPool pool(Route route, SharedState shared) {
        return new TargetPool(route, () -> now.get() * 1_000_000, shared);
    }

    static Attempt begin(TargetPool pool) {
        return pool.begin(null, Set.of()).await().atMost(Duration.ofSeconds(5)).orElseThrow();
    }

    static void done(Uni<Void> write) {
        write.await().atMost(Duration.ofSeconds(5));
    }

    /** Picks and answers at once, as a request that takes no time. */
    static int served(TargetPool pool) {
        Attempt attempt = begin(pool);
        done(attempt.succeeded(null, 1));
        return attempt.target().index();
    }

    @Test
    void roundRobinWeightsHoldExactlyWhenRequestsAlternateBetweenInstances() {
        Route route = route("round-robin", 3, 1);
        List<TargetPool> fleet = List.of(pool(route, instance()), pool(route, instance()));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            order.append(served(fleet.get(i % 2)));
        }
        // one instance alone would send each of its first picks to the heavier target: 0,0 on each, 4:0
        assertEquals("0010".repeat(4), order.toString(), "each pick takes the fleet's next slot of the 3:1 cycle");
    }

    @Test
    void roundRobinWeightsHoldAtAnySpreadOverThreeInstances() {
        Route route = route("round-robin", 3, 1);
        List<TargetPool> fleet = List.of(pool(route, instance()), pool(route, instance()), pool(route, instance()));
        Random spread = new Random(23);
        int[] counts = new int[2];
        for (int i = 0; i < 40; i++) {
            counts[served(fleet.get(spread.nextInt(3)))]++;
        }
        assertEquals(List.of(30, 10), List.of(counts[0], counts[1]));
    }

    @Test
    void leastConnectionsAvoidsATargetLeasedByASlowRequestOnAnotherInstance() {
        Route route = route("least-connections", 100, 100);
        TargetPool a = pool(route, instance());
        TargetPool b = pool(route, instance());
        Attempt slow = begin(a);
        for (int i = 0; i < 3; i++) {
            assertEquals(1 - slow.target().index(), served(b), "the other instance's request is in flight there");
        }
        done(slow.succeeded(null, 1));
        Attempt first = begin(b);
        Attempt second = begin(b);
        assertEquals(Set.of(0, 1), Set.of(first.target().index(), second.target().index()),
                "once it ended the targets are equal again: two requests in flight take one each");
    }

    @Test
    void anExpiredLeaseStopsCounting() {
        Route route = route("least-connections", 100, 100);
        TargetPool frozen = pool(route, instance());
        TargetPool b = pool(route, instance());
        Attempt never = begin(frozen);
        // the instance froze (or died) with its request in flight: it never ends the lease
        now.addAndGet(4_999);
        assertEquals(1 - never.target().index(), served(b), "held for the route's timeouts (5 s)");
        now.addAndGet(1);
        Attempt first = begin(b);
        Attempt second = begin(b);
        assertEquals(Set.of(0, 1), Set.of(first.target().index(), second.target().index()),
                "the expired lease counts no more: the two targets are equal");
    }

    @Test
    void aCopyNoOlderThanTheFreshnessIsReadAndThisInstancesOwnLeasesCountInIt() {
        AtomicInteger reads = new AtomicInteger();
        FleetStore counted = counting(fleet(), reads);
        Route route = route("least-connections", 100, 100);
        TargetPool b = pool(route, instance(counted, 1000));
        Attempt first = begin(b);
        now.addAndGet(999);
        Attempt second = begin(b);
        assertEquals(1, reads.get(), "read once within the freshness");
        assertEquals(1 - first.target().index(), second.target().index(),
                "its own lease taken since the copy was read counts");
        done(first.released());
        Attempt third = begin(b);
        assertEquals(first.target().index(), third.target().index(), "its own lease that ended counts no more");
        now.addAndGet(1);
        begin(b);
        assertEquals(2, reads.get(), "read again once the copy is as old as the freshness");
    }

    /** A burst when the copy has grown old reads the fleet once: the picks meanwhile take the old copy. */
    @Test
    void oneReadAtATimeRefreshesTheCopy() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        List<Runnable> held = new CopyOnWriteArrayList<>();
        Route route = route("least-connections", 100, 100);
        TargetPool b = pool(route, instance(holding(fleet(), reads, held), 1000));
        CompletableFuture<Optional<Attempt>> first = b.begin(null, Set.of())
                .subscribeAsCompletionStage();
        letOneGo(held);
        first.join().orElseThrow();
        now.addAndGet(1000);

        CompletableFuture<Optional<Attempt>> refreshing = b.begin(null, Set.of())
                .subscribeAsCompletionStage();
        awaitHeld(held);
        begin(b);
        assertEquals(2, reads.get(), "the pick while the copy was being read again took the old copy");
        letOneGo(held);
        refreshing.join().orElseThrow();
        assertEquals(2, reads.get());
    }

    private static void awaitHeld(List<Runnable> held) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (held.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no read of the fleet was made");
            Thread.sleep(1);
        }
    }

    private static void letOneGo(List<Runnable> held) throws InterruptedException {
        awaitHeld(held);
        held.remove(0).run();
    }

    @Test
    void lowestLatencyFollowsTheMeasuresOfTheFleet() {
        Route route = route("lowest-latency", 100, 100);
        TargetPool a = pool(route, instance());
        Attempt slow = begin(a);
        now.addAndGet(500);
        done(slow.succeeded(null, 1));
        Attempt fast = begin(a);
        assertEquals(1 - slow.target().index(), fast.target().index(), "the unmeasured target is tried");
        now.addAndGet(100);
        done(fast.succeeded(null, 1));

        TargetPool b = pool(route, instance());
        for (int i = 0; i < 3; i++) {
            assertEquals(fast.target().index(), served(b), "another instance's 100 ms beats its 500 ms");
        }
    }

    @Test
    void lowestUsageCountsTheTokensEveryInstanceServed() {
        Route route = route("lowest-usage", 100, 100);
        TargetPool a = pool(route, instance());
        Attempt busy = begin(a);
        done(busy.succeeded(Usage.of(400, 600), 1));

        TargetPool b = pool(route, instance());
        Attempt next = begin(b);
        assertEquals(1 - busy.target().index(), next.target().index(), "1000 tokens served by another instance count");
        done(next.succeeded(Usage.of(400, 500), 1));
        assertEquals(next.target().index(), served(a), "900 tokens served here count there");
    }

    @Test
    void aFleetThatFailsCostsNoPickAndTheInstanceGoesOnAlone() {
        FleetStore broken = failing();
        SharedState shared = instance(broken, 0);
        TargetPool roundRobin = pool(route("round-robin", 3, 1), shared);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            order.append(served(roundRobin));
        }
        assertEquals("00100010", order.toString(), "this instance's own sequence");
        TargetPool least = pool(route("least-connections", 100, 100), shared);
        Attempt held = begin(least);
        assertEquals(1 - held.target().index(), begin(least).target().index(), "its own leases count");
        assertTrue(shared.trouble().drainFallbacks() >= 10, "every call fell back");
    }

    /** The same store, counting its measure reads. */
    static FleetStore counting(FleetStore store, AtomicInteger reads) {
        return (FleetStore) Proxy.newProxyInstance(FleetStore.class.getClassLoader(),
                new Class<?>[] { FleetStore.class }, (proxy, method, arguments) -> {
                    if (method.getName().equals("measures")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The same store, its measure reads counted and held until the test lets each go on. */
    static FleetStore holding(FleetStore store, AtomicInteger reads, List<Runnable> held) {
        return (FleetStore) Proxy.newProxyInstance(FleetStore.class.getClassLoader(),
                new Class<?>[] { FleetStore.class }, (proxy, method, arguments) -> {
                    Object answer;
                    try {
                        answer = method.invoke(store, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (!method.getName().equals("measures")) {
                        return answer;
                    }
                    reads.incrementAndGet();
                    CompletableFuture<Void> gate = new CompletableFuture<>();
                    held.add(() -> gate.complete(null));
                    return Uni.createFrom().completionStage(gate).chain(() -> (Uni<?>) answer);
                });
    }

    /** A store whose every call fails, as a Redis that refuses. */
    static FleetStore failing() {
        return (FleetStore) Proxy.newProxyInstance(FleetStore.class.getClassLoader(),
                new Class<?>[] { FleetStore.class },
                (proxy, method, arguments) -> Uni.createFrom().failure(new IllegalStateException("refused")));
    }
}
