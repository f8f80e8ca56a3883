package dev.mistralgateway.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.fleet.SharedState;
import dev.mistralgateway.fleet.WindowCount;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import io.smallrye.mutiny.Uni;

/**
 * A request's standing against its route's rate limits: let through or refused, the
 * {@code x-ratelimit-*} headers its answer carries either way, and the windows its tokens or cost go
 * into once its usage is known.
 */
public final class Admission {

    private final Route route;
    private final String keyName;
    private final List<RateLimit> limits;
    private final List<String> windows;
    private final List<WindowCount> counts;
    private final SharedState shared;

    Admission(Route route, String keyName, List<RateLimit> limits, List<String> windows, List<WindowCount> counts,
            SharedState shared) {
        this.route = route;
        this.keyName = keyName;
        this.limits = limits;
        this.windows = windows;
        this.counts = counts;
        this.shared = shared;
    }

    /** The first limit whose window is spent, or -1 when the request may go. */
    private int refusedBy() {
        for (int i = 0; i < counts.size(); i++) {
            if (!counts.get(i).allowed()) {
                return i;
            }
        }
        return -1;
    }

    public boolean refused() {
        return refusedBy() >= 0;
    }

    /** Seconds until the refused request would fit, for Retry-After (at least 1). */
    public long retryAfterSeconds() {
        long millis = 0;
        for (WindowCount count : counts) {
            millis = Math.max(millis, count.retryMillis());
        }
        return Math.max(1, (millis + 999) / 1000);
    }

    /** OpenAI's 429 body for the refusal: {@code type} is {@code requests} or {@code tokens}. */
    public ErrorBody refusal() {
        RateLimit limit = limits.get(refusedBy());
        String whose = switch (limit.per()) {
            case ROUTE -> "";
            case CLIENT_KEY -> " for client key '" + (keyName == null ? "none" : keyName) + "'";
            case IP -> " for this client address";
            case HEADER -> " for this " + limit.header();
        };
        String message = "Rate limit reached on route '" + route.name() + "'" + whose + ": "
                + RateLimitHeaders.figure(limit.limit()) + " " + limit.counts().id() + " per " + limit.windowSeconds()
                + " s. Retry in " + retryAfterSeconds() + " s.";
        return new ErrorBody(new ErrorBody.Detail(message, limit.counts().kind(), null, "rate_limit_exceeded"));
    }

    /**
     * OpenAI's {@code x-ratelimit-limit-*}, {@code -remaining-*}, {@code -reset-*} for requests and
     * tokens, each from the limit of its kind with the least left; Retry-After on a refusal.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String kind : List.of("requests", "tokens")) {
            int tightest = -1;
            double least = Double.MAX_VALUE;
            for (int i = 0; i < limits.size(); i++) {
                double left = limits.get(i).limit() - counts.get(i).used();
                if (limits.get(i).counts().kind().equals(kind) && left < least) {
                    least = left;
                    tightest = i;
                }
            }
            if (tightest >= 0) {
                WindowCount count = counts.get(tightest);
                headers.put("x-ratelimit-limit-" + kind, RateLimitHeaders.figure(limits.get(tightest).limit()));
                headers.put("x-ratelimit-remaining-" + kind, RateLimitHeaders.figure(Math.max(0, Math.floor(least))));
                headers.put("x-ratelimit-reset-" + kind, RateLimitHeaders.duration(
                        count.allowed() ? count.resetMillis() : count.retryMillis()));
            }
        }
        if (refused()) {
            headers.put("Retry-After", String.valueOf(retryAfterSeconds()));
        }
        return headers;
    }

    /** Counts the answer's tokens or cost in the windows that count them; done before the answer completes. */
    public Uni<Void> count(Usage usage, Target target) {
        if (usage == null) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> writes = new ArrayList<>();
        for (int i = 0; i < limits.size(); i++) {
            RateLimit limit = limits.get(i);
            double amount = switch (limit.counts()) {
                case REQUESTS -> 0;
                case TOTAL_TOKENS -> usage.totalTokens();
                case PROMPT_TOKENS -> usage.promptTokens();
                case COMPLETION_TOKENS -> usage.completionTokens();
                case COST -> target.options().cost(usage.promptTokens(), usage.cachedTokens(), usage.completionTokens());
            };
            if (amount > 0) {
                writes.add(shared.add(windows.get(i), limit.windowMillis(), amount));
            }
        }
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andCollectFailures().replaceWithVoid();
    }
}
