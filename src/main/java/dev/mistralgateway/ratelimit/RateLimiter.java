package dev.mistralgateway.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

import jakarta.inject.Singleton;

import dev.mistralgateway.fleet.SharedState;
import dev.mistralgateway.fleet.WindowCount;
import dev.mistralgateway.route.Route;
import io.smallrye.mutiny.Uni;

/**
 * Checks a request against its route's rate limits before any upstream is called, counting it in
 * every window at once (each check is one atomic step in the shared state, so the fleet's windows
 * are exact for requests that do not overlap), and counts its tokens or cost once its answer says
 * how many ({@link Admission#count}).
 */
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class RateLimiter {

    private final RateLimitTable table;
    private final SharedState shared;

    public RateLimiter(RateLimitTable table, SharedState shared) {
        this.table = table;
        this.shared = shared;
    }

    /** Whether the route has limits at all: without any, requests skip the limiter entirely. */
    public boolean limits(Route route) {
        return !table.of(route).isEmpty();
    }

    /** The name of the client key the request carries (by its place among the route's digests), for logs. */
    public String keyName(Route route, int key) {
        return table.keyName(route, key);
    }

    /** Checks and counts the request in each of its route's windows. */
    public Uni<Admission> admit(Route route, int key, UnaryOperator<String> clientHeader) {
        List<RateLimit> limits = table.of(route);
        List<String> windows = new ArrayList<>(limits.size());
        List<Uni<WindowCount>> checks = new ArrayList<>(limits.size());
        for (RateLimit limit : limits) {
            String window = route.index() + "-" + route.name() + ":" + limit.index() + ":" + limit.per().id() + ":"
                    + subject(route, limit, key, clientHeader);
            windows.add(window);
            checks.add(shared.take(window, limit.windowMillis(), limit.limit(),
                    limit.counts() == RateLimit.Counts.REQUESTS ? 1 : 0));
        }
        String keyName = table.keyName(route, key);
        return Uni.join().all(checks).andFailFast()
                .map(counts -> new Admission(route, keyName, limits, windows, counts, shared));
    }

    /**
     * Whose window: a digest stands for every value a client sends (a key, an address, a header), so
     * no key of Redis holds what the client sent.
     */
    private static String subject(Route route, RateLimit limit, int key, UnaryOperator<String> clientHeader) {
        return switch (limit.per()) {
            case ROUTE -> "all";
            case CLIENT_KEY -> key < 0 ? "none" : RateLimitTable.keyId(route, key);
            case IP -> digest(clientAddress(clientHeader));
            case HEADER -> digest(clientHeader.apply(limit.header()));
        };
    }

    /**
     * The client's address as the front door saw it: the last X-Forwarded-For entry (API Gateway
     * and load balancers append the address they saw; entries before it are the client's to write).
     */
    private static String clientAddress(UnaryOperator<String> clientHeader) {
        String forwarded = clientHeader.apply("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return null;
        }
        String[] hops = forwarded.split(",");
        return hops[hops.length - 1].trim();
    }

    private static String digest(String value) {
        return value == null || value.isEmpty() ? "none"
                : HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
