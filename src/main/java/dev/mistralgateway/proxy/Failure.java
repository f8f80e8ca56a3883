package dev.mistralgateway.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.upstream.UpstreamFailure;
import dev.mistralgateway.upstream.UpstreamResponse;

/**
 * How an attempt failed: what it answers if it is the last, and whether it may move on (by the
 * failover criterion it meets, {@link FailoverRule}); a 429's Retry-After rests the target.
 */
record Failure(FailoverCriterion criterion, Optional<Duration> retryAfter,
        UpstreamResponse response, Format format, GatewayException error) {

    /** A failure thrown: the upstream unreachable, timed out, broken off, or an answer not read. */
    static Failure of(Throwable thrown) {
        GatewayException error = thrown instanceof GatewayException gateway ? gateway
                : new GatewayException(502, "An invalid response was received from the upstream server", thrown);
        if (error instanceof UpstreamFailure upstream) {
            return new Failure(upstream.criterion(), Optional.empty(), null, null, error);
        }
        // a stream that broke off or ended before its first event: the upstream had the request
        FailoverCriterion criterion = error.status() == 504 ? FailoverCriterion.TIMEOUT : FailoverCriterion.ERROR;
        return new Failure(criterion, Optional.empty(), null, null, error);
    }

    /** An upstream's error answer. */
    static Failure of(Format format, UpstreamResponse response) {
        int status = response.status();
        return new Failure(FailoverCriterion.ofStatus(status), retryAfter(response), response, format, null);
    }

    /** A 429's Retry-After in seconds (the HTTP-date form is rare from LLM APIs and not read). */
    private static Optional<Duration> retryAfter(UpstreamResponse response) {
        List<String> values = response.headers().get("retry-after");
        if (response.status() != 429 || values == null || values.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(values.get(0).trim()) * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
