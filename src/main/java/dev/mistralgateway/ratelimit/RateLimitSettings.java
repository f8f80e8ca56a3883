package dev.mistralgateway.ratelimit;

import java.util.List;
import java.util.Locale;

import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.GatewayConfig.RateLimitConfig;
import dev.mistralgateway.route.Route;

/** Reads one {@code RATE_LIMITS_<i>} block of a route; each problem names its variable. */
final class RateLimitSettings {

    private RateLimitSettings() {
    }

    /** The limit, or null with the problems added. */
    static RateLimit read(Route route, int index, RateLimitConfig config, List<String> problems) {
        String at = "rate-limits[" + index + "].";
        int before = problems.size();
        double limit = number(config.limit().orElse(null), route, at + "limit", problems);
        double window = number(config.windowSize().orElse(null), route, at + "window-size", problems);
        if (window > 0 && (window != Math.rint(window) || window > 366 * 24 * 3600)) {
            problems.add(EnvNames.ofRoute(route.index(), at + "window-size") + ": a whole number of seconds up to"
                    + " a year (31622400), not " + config.windowSize().orElse(""));
        }
        RateLimit.Counts counts = null;
        for (RateLimit.Counts candidate : RateLimit.Counts.values()) {
            if (candidate.id().equals(config.counts().trim().toLowerCase(Locale.ROOT))) {
                counts = candidate;
            }
        }
        if (counts == null) {
            problems.add(EnvNames.ofRoute(route.index(), at + "counts") + ": one of requests, total-tokens,"
                    + " prompt-tokens, completion-tokens, cost; not '" + config.counts() + "'");
        }
        String per = config.per().trim();
        RateLimit.Per kind = null;
        String header = null;
        if (per.regionMatches(true, 0, "header:", 0, 7) && per.length() > 7 && !per.substring(7).isBlank()) {
            kind = RateLimit.Per.HEADER;
            header = per.substring(7).trim();
        } else {
            for (RateLimit.Per candidate : RateLimit.Per.values()) {
                if (candidate != RateLimit.Per.HEADER && candidate.id().equalsIgnoreCase(per)) {
                    kind = candidate;
                }
            }
        }
        String perVariable = EnvNames.ofRoute(route.index(), at + "per");
        if (kind == null) {
            problems.add(perVariable + ": one of client-key, route, ip, header:<name>; not '" + per + "'");
        } else if (kind == RateLimit.Per.CLIENT_KEY && route.clientAuth().isEmpty()) {
            problems.add(perVariable + ": client-key needs the route's client keys ("
                    + EnvNames.ofRoute(route.index(), "client-auth-key-sha256") + ")");
        }
        if (problems.size() > before) {
            return null;
        }
        return new RateLimit(index, limit, (long) window * 1000, counts, kind, header);
    }

    private static double number(String value, Route route, String setting, List<String> problems) {
        String variable = EnvNames.ofRoute(route.index(), setting);
        if (value == null || value.isBlank()) {
            problems.add(variable + ": must be set (a number above 0)");
            return 0;
        }
        try {
            double number = Double.parseDouble(value.trim());
            if (number > 0 && Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        problems.add(variable + ": must be a number above 0, not '" + value + "'");
        return 0;
    }
}
