package dev.mistralgateway.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Route;
import io.netty.channel.ConnectTimeoutException;

/**
 * A failed upstream call as the client's 502 or 504, and its one WARN line. Kong's words come first
 * (clients of Kong match on them), then the kind of failure. With {@code errorDetail} (dev mode, tests)
 * the message goes on with the upstream's host:port and the variable to fix; without it (packaged
 * builds, whose clients may be anyone) it ends with the request id, and the log line that carries the
 * same id has the detail.
 *
 * <p>
 * Nothing logged or kept here carries the request's query, where an upstream key may sit
 * ({@code AUTH_PARAM_LOCATION=query}): the HTTP client's own exception texts quote the request URI
 * whole (Vert.x's timeout does), so they are cleaned before they are logged or become a cause.
 */
final class UpstreamFailures {

    /** Kong's wording, which clients of Kong already match on. */
    static final String BAD_GATEWAY = "An invalid response was received from the upstream server";
    static final String TIMED_OUT = "The upstream server is timing out";

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class);

    private final boolean detail;

    UpstreamFailures(boolean detail) {
        this.detail = detail;
    }

    /** An upstream's answer (or one of its events) was larger than the gateway reads: a failure of that upstream. */
    static final class TooLarge extends RuntimeException {
        private final String what;
        private final String setting;
        private final long limit;

        TooLarge(String what, String setting, long limit) {
            super(what + " was larger than " + limit + " bytes", null, false, false);
            this.what = what;
            this.setting = setting;
            this.limit = limit;
        }
    }

    GatewayException classify(Route route, UpstreamRequest request, Throwable failure) {
        if (failure instanceof GatewayException classified) {
            return classified;
        }
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        URI url = request.url();
        String host = url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
        String causeText = withoutQuery(cause.toString(), url);
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        int status;
        String kind;
        String what;
        FailoverCriterion criterion = FailoverCriterion.ERROR;
        if (cause instanceof TooLarge tooLarge) {
            status = 502;
            kind = tooLarge.what + " of the upstream is larger than " + tooLarge.limit + " bytes, the most the gateway reads";
            what = tooLarge.what + " of " + host + " is larger than " + tooLarge.limit + " bytes, the most the gateway reads ("
                    + EnvNames.of(tooLarge.setting) + ")";
        } else if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException
                || message.contains("timed out") || message.contains("timeout")) {
            boolean connecting = cause instanceof ConnectTimeoutException
                    || message.contains("connection timed out");
            String setting = EnvNames.ofRoute(route.index(), connecting ? "balancer.connect-timeout" : "balancer.read-timeout");
            long millis = (connecting ? route.timeouts().connect() : route.timeouts().read()).toMillis();
            status = 504;
            criterion = FailoverCriterion.TIMEOUT;
            kind = (connecting ? "no connection" : "no answer") + " within " + millis + " ms";
            what = (connecting ? "no connection to " : "no answer from ") + host + " within " + millis + " ms (" + setting
                    + ")";
        } else if (cause instanceof UnknownHostException || message.contains("failed to resolve")
                || message.contains("unknownhost")) {
            status = 502;
            kind = "the upstream's host name could not be resolved";
            what = "the upstream's host name " + url.getHost() + " could not be resolved; check the upstream URL and "
                    + "that the function can reach a DNS server (and the internet, for api.mistral.ai)";
        } else if (cause instanceof ConnectException || message.contains("connection refused")) {
            status = 502;
            kind = "the connection was refused";
            what = "the connection to " + host + " was refused: nothing listens there; check the upstream URL and "
                    + "that the server runs";
        } else if (cause instanceof SSLException) {
            status = 502;
            kind = "the TLS handshake failed";
            what = "the TLS handshake with " + host + " failed; check that the upstream URL's scheme and port "
                    + "speak TLS and that its certificate is valid";
        } else if (InvalidHead.is(cause)) {
            status = 502;
            criterion = FailoverCriterion.INVALID_HEADER;
            kind = "the upstream's answer did not start with a valid HTTP head";
            what = "the answer of " + host + " did not start with a valid HTTP head (" + InvalidHead.what(cause)
                    + "); check that the upstream URL names an HTTP server";
        } else {
            status = 502;
            kind = "the connection was closed or reset before the answer was complete";
            what = "the connection to " + host + " was closed or reset before the answer was complete";
        }
        LOG.warnf("upstream %s failed for request %s: %s (%s)", upstreamOf(url), request.requestId(), what, causeText);
        String words = status == 504 ? TIMED_OUT : BAD_GATEWAY;
        String told = detail ? what : kind + " (request " + request.requestId() + "; the gateway's log has the details)";
        return new UpstreamFailure(status, words + ": " + told, cleaned(cause, causeText), criterion);
    }

    /** The upstream as configured: scheme, host, the port only when one was written, the path; never the query. */
    static String upstreamOf(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort()) + url.getPath();
    }

    /** The text without the request's query, wherever it is quoted (raw, as sent, or decoded). */
    static String withoutQuery(String text, URI url) {
        String cleaned = text;
        for (String query : new String[] { url.getRawQuery(), url.getQuery() }) {
            if (query != null && !query.isEmpty()) {
                cleaned = cleaned.replace("?" + query, "").replace(query, "[query]");
            }
        }
        return cleaned;
    }

    /**
     * The cause as the error keeps it: its class and cleaned text, its stack, but no chain of its own
     * (whose texts could quote the URI again), so whatever logs the error later logs no key.
     */
    private static Throwable cleaned(Throwable cause, String causeText) {
        if (cause instanceof TooLarge) {
            return cause;
        }
        IOException kept = new IOException(causeText);
        kept.setStackTrace(cause.getStackTrace());
        return kept;
    }
}
