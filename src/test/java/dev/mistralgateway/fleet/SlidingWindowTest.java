package dev.mistralgateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The window arithmetic on the test's clock, through the per-instance store that runs it. */
class SlidingWindowTest {

    private static final long MINUTE = 60_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LocalStore store = new LocalStore();

    private WindowCount request(double limit) {
        return store.count("k", now.get(), MINUTE, limit, 1);
    }

    @Test
    void aFreshKeyLetsExactlyTheLimitThroughWithinItsFirstWindow() {
        int allowed = 0;
        for (int i = 0; i < 8; i++) {
            allowed += request(5).allowed() ? 1 : 0;
            now.addAndGet(7_000);
        }
        assertEquals(5, allowed);
    }

    @Test
    void theWindowStartsAtTheFirstRequest() {
        assertTrue(request(1).allowed());
        now.addAndGet(59_999);
        assertFalse(request(1).allowed(), "still in the first minute");
        now.addAndGet(1);
        // a minute on, the previous minute's one request still counts wholly at the window's start
        WindowCount atStart = request(1);
        assertFalse(atStart.allowed());
        assertEquals(1.0, atStart.used(), 1e-9);
    }

    @Test
    void thePreviousWindowFadesAsTheWindowSlides() {
        for (int i = 0; i < 10; i++) {
            request(10);
        }
        now.addAndGet(MINUTE + MINUTE / 2);
        // half of the last window is still covered: 10 * 0.5 = 5 counted, room for 5 more
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += request(10).allowed() ? 1 : 0;
        }
        assertEquals(5, allowed);
    }

    @Test
    void aRefusalSaysWhenTheRequestFitsAgain() {
        for (int i = 0; i < 4; i++) {
            request(4);
        }
        now.addAndGet(15_000);
        WindowCount refused = request(4);
        assertFalse(refused.allowed());
        // the 4 of this window become the previous one's at 60 s; one fits once a quarter of it has slid by
        assertEquals(45_000 + 15_000, refused.retryMillis());
        assertEquals(45_000, refused.resetMillis());
        now.addAndGet(refused.retryMillis() - 1);
        assertFalse(request(4).allowed(), "a millisecond early");
        now.addAndGet(1);
        assertTrue(request(4).allowed(), "on time");
    }

    @Test
    void anIdleKeyStartsOverAfterTwoWindows() {
        for (int i = 0; i < 3; i++) {
            request(3);
        }
        now.addAndGet(2 * MINUTE);
        WindowCount again = request(3);
        assertTrue(again.allowed());
        assertEquals(1.0, again.used(), 1e-9);
    }

    @Test
    void tokensAreCheckedWhileTheWindowIsNotSpentAndCountedAfter() {
        assertTrue(store.count("t", now.get(), MINUTE, 100, 0).allowed());
        store.add("t", now.get(), MINUTE, 99);
        assertTrue(store.count("t", now.get(), MINUTE, 100, 0).allowed(), "99 of 100: one answer more may go");
        store.add("t", now.get(), MINUTE, 50);
        WindowCount spent = store.count("t", now.get(), MINUTE, 100, 0);
        assertFalse(spent.allowed());
        assertEquals(149, spent.used(), 1e-9);
    }

    /** Windows per client address are unbounded in number: idle ones go once there are many. */
    @Test
    void idleWindowsAreForgottenOnceThereAreMany() {
        for (int i = 0; i < 10_000; i++) {
            store.count("ip-" + i, now.get(), MINUTE, 1, 1);
        }
        assertFalse(store.count("ip-0", now.get(), MINUTE, 1, 1).allowed(), "kept while there are few");
        now.addAndGet(2 * MINUTE);
        store.count("one-more", now.get(), MINUTE, 1, 1);
        store.count("and-another", now.get(), MINUTE, 1, 1);
        assertEquals(2, store.windows());
    }
}
