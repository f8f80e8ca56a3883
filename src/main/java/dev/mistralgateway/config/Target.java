package dev.mistralgateway.config;

import java.net.URI;
import java.util.Optional;

/**
 * One validated upstream of a route: what it serves, where it is, how to reach it.
 *
 * @param modelName the configured model; when present the client may not ask for another one
 */
public record Target(
        int index,
        RouteType routeType,
        Auth auth,
        Optional<String> modelName,
        MistralFormat format,
        URI upstreamUrl,
        ModelOptions options,
        boolean logStatistics,
        boolean logPayloads,
        int weight) {
}
