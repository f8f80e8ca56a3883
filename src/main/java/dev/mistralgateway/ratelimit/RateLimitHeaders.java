package dev.mistralgateway.ratelimit;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How OpenAI writes its x-ratelimit headers' figures: counts as integers, resets as {@code 6m0s}, {@code 1.5s}, {@code 20ms}.
 */
final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    /** A limit or what remains of it: whole numbers without a decimal point, cost with up to 6 decimals. */
    static String figure(double value) {
        return BigDecimal.valueOf(value).setScale(6, RoundingMode.DOWN).stripTrailingZeros().toPlainString();
    }

    /** A duration as OpenAI's reset headers write it (Go's duration format). */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        String seconds = BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString() + "s";
        if (hours > 0) {
            return hours + "h" + minutes + "m" + seconds;
        }
        return minutes > 0 ? minutes + "m" + seconds : seconds;
    }
}
