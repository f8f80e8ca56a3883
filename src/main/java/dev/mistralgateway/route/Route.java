package dev.mistralgateway.route;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One validated route: the paths it serves, its plugin-level settings, its targets, and the API its
 * clients speak ({@code clientApi}), which its targets' requests are translated from.
 */
public record Route(
        int index,
        String name,
        List<String> paths,
        StreamingMode streaming,
        long maxRequestBodySize,
        boolean modelNameHeader,
        Timeouts timeouts,
        Balancing balancing,
        Optional<ClientAuth> clientAuth,
        int maxMessages,
        StreamLimits streamLimits,
        List<Target> targets,
        ClientApiKind clientApi) {

    /** How long a stream may run and how many output tokens it may carry; zero for no limit. */
    public record StreamLimits(Duration maxDuration, long maxTokens) {
        public static final StreamLimits NONE = new StreamLimits(Duration.ZERO, 0);
    }

    /** The client keys a route accepts, as SHA-256 digests, and the header that carries them. */
    public record ClientAuth(String header, List<byte[]> keyDigests) {
        @Override
        public String toString() {
            return "ClientAuth[header=" + header + ", " + keyDigests.size() + " keys]";
        }
    }

    public record Timeouts(Duration connect, Duration read, Duration write) {
    }

    /** Whether the route passes bodies through as they came ({@code preserve}), which its start-up checks make all-or-none. */
    public boolean preserves() {
        return !targets.isEmpty() && targets.get(0).routeType() == RouteType.PRESERVE;
    }
}
