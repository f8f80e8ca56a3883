package dev.mistralgateway.proxy;

import java.util.Map;

import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Route;

/**
 * Every target of a route is out: paused at its upstream's request (429), or resting after failures,
 * or held by a circuit breaker's trial (503); either way with the Retry-After of the first back.
 */
final class Unavailable {

    private Unavailable() {
    }

    static GatewayException of(Route route, TargetPool pool) {
        long seconds = Math.max(1, (pool.untilNextAvailable().toMillis() + 999) / 1000);
        GatewayException error = pool.allOutAreRateLimited()
                ? new GatewayException(429, "the upstream of route '" + route.name()
                        + "' asked for a pause (429 with Retry-After); retry in " + seconds + " s")
                : new GatewayException(503, "no target of route '" + route.name() + "' can serve now: "
                        + "each failed recently and is resting or on trial; retry in " + seconds + " s");
        return error.withHeaders(Map.of("Retry-After", String.valueOf(seconds)));
    }
}
