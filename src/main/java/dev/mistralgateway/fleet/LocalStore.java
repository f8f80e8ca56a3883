package dev.mistralgateway.fleet;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * The state of one instance, in its memory: all there is without Redis, and the copy an instance
 * goes on with while Redis does not answer (every write lands here too). Each operation takes effect
 * when it is called, not when its {@code Uni} is subscribed to, and has a plain form for callers on
 * an event loop, which may not wait on a {@code Uni}.
 */
public final class LocalStore implements FleetStore {

    /** One target's breaker and pause. */
    private static final class Book {
        long outUntil = Long.MIN_VALUE;
        boolean open;
        boolean paused;
        String trialOwner;
        long trialUntil = Long.MIN_VALUE;
        final ArrayDeque<Long> failures = new ArrayDeque<>();

        TargetView view() {
            return new TargetView(outUntil, open, paused, trialUntil);
        }
    }

    /** Past this many windows, those idle for two of their lengths go (they would start afresh anyway). */
    private static final int SWEEP_ABOVE = 10_000;

    private final Map<String, Book> books = new HashMap<>();
    private final LocalMeasures balancer = new LocalMeasures();
    private final Map<String, SlidingWindow> windows = new HashMap<>();
    /** Each window's length, for the sweep: keys per client address or header value are unbounded. */
    private final Map<String, Long> lengths = new HashMap<>();

    private Book book(String route, int target) {
        return books.computeIfAbsent(route + '\u0000' + target, key -> new Book());
    }

    @Override
    public synchronized Uni<TargetView[]> read(String route, int targets) {
        return Uni.createFrom().item(view(route, targets));
    }

    /** The view at once, for callers that may not wait. */
    synchronized TargetView[] view(String route, int targets) {
        TargetView[] views = new TargetView[targets];
        for (int target = 0; target < targets; target++) {
            Book book = books.get(route + '\u0000' + target);
            views[target] = book == null ? TargetView.FREE : book.view();
        }
        return views;
    }

    @Override
    public Uni<Boolean> claimTrial(String route, int target, String owner, long now, long until) {
        return Uni.createFrom().item(claim(route, target, owner, now, until));
    }

    synchronized boolean claim(String route, int target, String owner, long now, long until) {
        Book book = book(route, target);
        boolean claimed = book.open && book.trialUntil <= now;
        if (claimed) {
            book.trialOwner = owner;
            book.trialUntil = until;
        }
        return claimed;
    }

    @Override
    public synchronized Uni<Void> failed(String route, int target, String trialOwner, long now, int maxFails,
            long failTimeout) {
        Book book = book(route, target);
        boolean trial = trialOwner != null && trialOwner.equals(book.trialOwner);
        book.failures.addLast(now);
        while (!book.failures.isEmpty() && book.failures.peekFirst() <= now - failTimeout) {
            book.failures.removeFirst();
        }
        if (trial || book.failures.size() >= maxFails) {
            book.open = true;
            book.paused = false;
            book.outUntil = Math.max(book.outUntil, now + failTimeout);
            book.failures.clear();
            if (trial) {
                book.trialOwner = null;
                book.trialUntil = Long.MIN_VALUE;
            }
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> paused(String route, int target, long until) {
        Book book = book(route, target);
        if (until > book.outUntil) {
            book.outUntil = until;
            book.paused = true;
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> trialEnded(String route, int target, String owner, boolean closes) {
        Book book = book(route, target);
        if (owner.equals(book.trialOwner)) {
            book.trialOwner = null;
            book.trialUntil = Long.MIN_VALUE;
            if (closes) {
                book.open = false;
                book.failures.clear();
            }
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<WindowCount> take(String key, long now, long window, double limit, double amount) {
        return Uni.createFrom().item(count(key, now, window, limit, amount));
    }

    synchronized WindowCount count(String key, long now, long window, double limit, double amount) {
        SlidingWindow current = windows.getOrDefault(key, SlidingWindow.fresh(now)).at(now, window);
        WindowCount count = WindowCount.of(current, now, window, limit, amount);
        keep(key, count.allowed() ? current.plus(amount) : current, now, window);
        return count;
    }

    @Override
    public synchronized Uni<Void> add(String key, long now, long window, double amount) {
        keep(key, windows.getOrDefault(key, SlidingWindow.fresh(now)).at(now, window).plus(amount), now, window);
        return Uni.createFrom().voidItem();
    }

    private void keep(String key, SlidingWindow window, long now, long length) {
        lengths.put(key, length);
        if (windows.put(key, window) == null && windows.size() > SWEEP_ABOVE) {
            windows.entrySet().removeIf(entry -> now >= entry.getValue().start() + 2 * lengths.get(entry.getKey()));
            lengths.keySet().retainAll(windows.keySet());
        }
    }

    @Override
    public Uni<Long> nextTurn(String route) {
        return Uni.createFrom().item(balancer.nextTurn(route));
    }

    @Override
    public Uni<Void> measured(String route, int target, double latency, double smoothing, double usage) {
        balancer.measured(route, target, latency, smoothing, usage);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> lease(String route, int target, String lease, long now, long until) {
        balancer.lease(route, target, lease, until);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> release(String route, int target, String lease) {
        balancer.release(route, target, lease);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<TargetMeasures[]> measures(String route, int targets, long now) {
        return Uni.createFrom().item(balancer.measures(route, targets, now));
    }

    /** The balancer's half, at once (for callers that may not wait). */
    LocalMeasures balancer() {
        return balancer;
    }

    /** How many windows this instance keeps, for tests. */
    synchronized int windows() {
        return windows.size();
    }
}
