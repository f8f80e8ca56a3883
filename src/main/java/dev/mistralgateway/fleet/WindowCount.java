package dev.mistralgateway.fleet;

/**
 * A rate-limit window as a check left it.
 *
 * @param allowed whether the request may go
 * @param used what the sliding window counts now, the request's amount included when it was counted
 * @param retryMillis when refused, how long until the request would fit; else 0
 * @param resetMillis how long until the current window ends
 */
public record WindowCount(boolean allowed, double used, long retryMillis, long resetMillis) {

    /** The outcome of a check on this window state, the amount counted when it fits. */
    static WindowCount of(SlidingWindow window, long now, long size, double limit, double amount) {
        return of(window, now, size, limit, amount, SlidingWindow.fits(window.used(now, size), limit, amount));
    }

    /** The same, with the decision taken elsewhere (in Redis's script, on the same arithmetic). */
    static WindowCount of(SlidingWindow window, long now, long size, double limit, double amount, boolean allowed) {
        double used = window.used(now, size);
        return new WindowCount(allowed, allowed ? used + amount : used,
                allowed ? 0 : window.untilFits(now, size, limit, amount), window.untilNextWindow(now, size));
    }
}
