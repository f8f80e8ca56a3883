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
        List<Target> targets) {

    public record Timeouts(Duration connect, Duration read, Duration write) {
    }

    /** The target that serves requests until balancing between several targets exists. */
    public Target target() {
        return targets.get(0);
    }
}
