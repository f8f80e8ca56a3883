package dev.mistralgateway.upstream;

import java.util.Locale;

import io.netty.handler.codec.DecoderException;

/**
 * Whether a failed call failed because the upstream's answer had no readable HTTP head: a status
 * line that is not HTTP (a URL pointing at another protocol's port), a header line Netty cannot
 * parse or too long a head. nginx (and so Kong) calls this {@code invalid_header}.
 */
final class InvalidHead {

    private InvalidHead() {
    }

    static boolean is(Throwable failure) {
        return cause(failure) != null;
    }

    /** The decoder's own words, for the log line. */
    static String what(Throwable failure) {
        Throwable cause = cause(failure);
        return cause == null ? "" : String.valueOf(cause.getMessage());
    }

    private static Throwable cause(Throwable failure) {
        for (Throwable at = failure; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof DecoderException) {
                return at;
            }
            // Netty's decoder fails a head it cannot parse with these, from HttpVersion and HttpResponseStatus
            String message = String.valueOf(at.getMessage()).toLowerCase(Locale.ROOT);
            if (at instanceof IllegalArgumentException && (message.contains("version") || message.contains("status")
                    || message.contains("header"))) {
                return at;
            }
        }
        return null;
    }
}
