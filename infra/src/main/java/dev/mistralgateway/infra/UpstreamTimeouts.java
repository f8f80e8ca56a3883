package dev.mistralgateway.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's upstream timeouts, fitted to the time the front door gives a request. The gateway waits up
 * to 60 s to connect and 60 s for data by default, but the HTTP API ends a request after 30 s: unless the
 * gateway gives up first, a slow upstream ends in API Gateway's own 503 {@code {"message":"Service Unavailable"}},
 * never in the gateway's 504 nor in a failover to another target.
 *
 * <p>
 * So where the defaults outlast that time, every route that leaves {@code BALANCER_CONNECT_TIMEOUT} or
 * {@code BALANCER_READ_TIMEOUT} unset (neither its variable nor its config block sets it) gets one that
 * leaves the gateway time to answer. The budget is <b>per attempt</b>: a failover after a timed-out attempt
 * has little time left, but one after an unreachable target (3 s to connect) or an error answer has most of
 * it. Sharing the budget among the possible attempts (up to 1 + BALANCER_RETRIES) would give each a few
 * seconds, less than many answers take, to spare a case that needs a slow target and a second one.
 */
final class UpstreamTimeouts {

    /** The gateway's own default for both, in ms (docs/configuration.md, "Every variable"). */
    static final long GATEWAY_DEFAULT_MS = 60_000;
    /** An HTTP API ends a Lambda integration after 30 s, whatever the function's timeout. */
    static final int HTTP_API_SECONDS = 30;
    /** Enough to open a connection to an API that answers; a target that does not is left for the next one. */
    static final long CONNECT_MS = 3_000;
    /** What the gateway keeps, after an attempt timed out, to answer before the front door gives up. */
    static final long HEADROOM_MS = 5_000;

    private static final String PREFIX = "AI_PROXY_ROUTES_";

    /** The variables to add to the function's environment, and a warning for every value set too long. */
    record Fitted(Map<String, String> variables, List<String> warnings) {
    }

    private UpstreamTimeouts() {
    }

    static Fitted fit(GatewayEnv env, GatewaySettings s) {
        long budget = budgetMs(s);
        // 20 % for short budgets: each value stays positive and shorter than the budget.
        long headroom = Math.min(HEADROOM_MS, budget / 5);
        long read = budget - headroom;
        long connect = Math.min(CONNECT_MS, budget / 10);
        // Behind a streaming front door with its long default timeout, the gateway's defaults already fit.
        boolean needed = read < GATEWAY_DEFAULT_MS;
        Map<String, String> variables = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (int route : env.routes()) {
            for (String[] timeout : new String[][] { { "READ", "read_timeout" }, { "CONNECT", "connect_timeout" } }) {
                String name = PREFIX + route + "__BALANCER_" + timeout[0] + "_TIMEOUT";
                long fitted = timeout[0].equals("READ") ? read : connect;
                String inBlock = env.configs().containsKey(route) ? env.configs().get(route).balancer(timeout[1]) : null;
                String ifUnset = needed ? "the stack then sets " + fitted
                        : "the gateway's default, " + GATEWAY_DEFAULT_MS + ", fits";
                if (env.variables().containsKey(name)) {
                    warnIfTooLong(name, env.variables().get(name), ifUnset, budget, s, warnings);
                } else if (inBlock != null) {
                    warnIfTooLong("balancer." + timeout[1] + " of " + PREFIX + route + "__CONFIG", inBlock, ifUnset, budget, s,
                            warnings);
                } else if (needed) {
                    variables.put(name, String.valueOf(fitted));
                }
            }
        }
        return new Fitted(variables, warnings);
    }

    /** How long a request may take: the function's timeout, and behind the HTTP API at most its 30 s. */
    static long budgetMs(GatewaySettings s) {
        int seconds = s.frontDoor().streams() ? s.timeoutSeconds() : Math.min(s.timeoutSeconds(), HTTP_API_SECONDS);
        return seconds * 1000L;
    }

    private static void warnIfTooLong(String what, String value, String ifUnset, long budget, GatewaySettings s,
            List<String> warnings) {
        long ms;
        try {
            ms = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return; // not a number: the gateway refuses it at start-up, naming it
        }
        if (ms < budget) {
            return;
        }
        String limit = s.frontDoor().streams()
                ? "the function timeout (" + s.timeoutSeconds() + " s): Lambda ends the function first, and the client "
                        + "gets no answer from the gateway (a stream is cut without its error event)"
                : "the " + budget / 1000 + " s a request has behind the HTTP API (the function timeout, at most 30 s): "
                        + "a slow or unreachable upstream then ends in an error of API Gateway's own ("
                        + (s.timeoutSeconds() >= HTTP_API_SECONDS ? "503 {\"message\":\"Service Unavailable\"}"
                                : "the function times out first")
                        + "), not in the gateway's 504, and without failover";
        warnings.add(what + " is " + ms + " ms, not shorter than " + limit + ". Leave it unset (" + ifUnset
                + ") or make it shorter.");
    }
}
