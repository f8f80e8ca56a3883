package dev.mistralgateway.ratelimit;

import java.util.Locale;

/**
 * One validated rate limit of a route.
 *
 * @param index its place among the route's limits ({@code RATE_LIMITS_<index>__...})
 * @param limit what the window may count
 * @param windowMillis the sliding window's length
 * @param counts what it counts
 * @param per whose window it is
 * @param header the header whose value names the window, for {@code per = header:<name>}
 */
public record RateLimit(int index, double limit, long windowMillis, Counts counts, Per per, String header) {

    public enum Counts {
        REQUESTS,
        TOTAL_TOKENS,
        PROMPT_TOKENS,
        COMPLETION_TOKENS,
        COST;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** OpenAI's word for the kind of limit, in the error's {@code type} and the x-ratelimit headers. */
        public String kind() {
            return this == REQUESTS ? "requests" : "tokens";
        }
    }

    public enum Per {
        CLIENT_KEY,
        ROUTE,
        IP,
        HEADER;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The window's length in seconds, for messages. */
    public long windowSeconds() {
        return windowMillis / 1000;
    }
}
