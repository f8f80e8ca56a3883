package dev.mistralgateway.fleet;

/**
 * The arithmetic of a sliding rate-limit window (Kong's: the count of the window before, weighted by
 * how much of it the sliding window still covers, plus the current window's). A key's first window
 * starts at its first request, so requests of a fresh key within one window are counted exactly.
 * {@link LocalStore} runs it in memory; {@link RedisStore}'s script is the same steps in Lua.
 *
 * @param start when the current window began (epoch ms)
 * @param previous what the window before counted
 * @param current what the current window has counted so far
 */
public record SlidingWindow(long start, double previous, double current) {

    /** A key never counted: its window begins now. */
    public static SlidingWindow fresh(long now) {
        return new SlidingWindow(now, 0, 0);
    }

    /** The window as it stands at {@code now}: rolled on by as many whole windows as have passed. */
    public SlidingWindow at(long now, long window) {
        if (now < start + window) {
            return this;
        }
        long passed = (now - start) / window;
        return new SlidingWindow(start + passed * window, passed == 1 ? current : 0, 0);
    }

    /** What the sliding window counts at {@code now} (this must be {@link #at} now). */
    public double used(long now, long window) {
        double covered = 1 - (double) (now - start) / window;
        return previous * covered + current;
    }

    /**
     * Whether {@code amount} fits: a request ({@code amount > 0}) when the window stays within its
     * limit with it; a check without amount (tokens, counted when the answer reports them) while the
     * window is not spent yet.
     */
    public static boolean fits(double used, double limit, double amount) {
        return amount > 0 ? used + amount <= limit : used < limit;
    }

    /** How long from {@code now} until {@code amount} fits again (0 when it fits now); at most two windows. */
    public long untilFits(long now, long window, double limit, double amount) {
        if (fits(used(now, window), limit, amount)) {
            return 0;
        }
        // the smallest count the window must fall to (a check without amount needs just below the limit)
        double room = amount > 0 ? limit - amount : limit - 1e-9;
        if (room < 0) {
            return 2 * window;
        }
        long nextStart = start + window;
        if (current <= room && previous > 0) {
            long inThisWindow = start + (long) Math.ceil(window * (1 - (room - current) / previous));
            if (inThisWindow <= nextStart) {
                return Math.max(0, inThisWindow - now);
            }
        }
        // in the next window the current count becomes the previous one, fading as the window slides
        long inNextWindow = nextStart + (long) Math.ceil(window * Math.max(0, 1 - room / current));
        return Math.max(0, inNextWindow - now);
    }

    /** How long until the current window ends. */
    public long untilNextWindow(long now, long window) {
        return Math.max(0, start + window - now);
    }

    public SlidingWindow plus(double amount) {
        return new SlidingWindow(start, previous, current + amount);
    }
}
