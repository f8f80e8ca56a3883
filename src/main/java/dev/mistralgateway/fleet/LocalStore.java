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

    private final Map<String, Book> books = new HashMap<>();
    private final Map<String, SlidingWindow> windows = new HashMap<>();

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
        windows.put(key, count.allowed() ? current.plus(amount) : current);
        return count;
    }

    @Override
    public synchronized Uni<Void> add(String key, long now, long window, double amount) {
        windows.put(key, windows.getOrDefault(key, SlidingWindow.fresh(now)).at(now, window).plus(amount));
        return Uni.createFrom().voidItem();
    }
}
