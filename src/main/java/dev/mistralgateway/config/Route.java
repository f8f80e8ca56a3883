package dev.mistralgateway.config;

import java.time.Duration;
import java.util.List;

/** One validated route: the paths it serves, its plugin-level settings and its targets. */
public record Route(
        int index,
        String name,
        List<String> paths,
        StreamingMode streaming,
        long maxRequestBodySize,
        boolean modelNameHeader,
        Timeouts timeouts,
        Balancing balancing,
        List<Target> targets) {

    public record Timeouts(Duration connect, Duration read, Duration write) {
    }
}
