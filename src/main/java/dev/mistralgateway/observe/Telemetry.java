package dev.mistralgateway.observe;

import java.io.PrintStream;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.fleet.SharedState;
import dev.mistralgateway.fleet.StoreTrouble;

/**
 * Writes one JSON line per finished request to standard output, which Lambda sends to CloudWatch
 * Logs: a CloudWatch Embedded Metric Format document (requests, errors by class, latency, tokens,
 * cost, by route and by route and model), carrying the request's statistics when its target has
 * {@code log_statistics} on. Standard output, not the logger: CloudWatch reads metrics only from
 * a log event that is the EMF document itself, not one wrapped in a JSON log record.
 */
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class Telemetry {

    private final boolean metrics;
    private final StoreTrouble storeTrouble;
    private final TelemetryLine line;

    public Telemetry(ObjectMapper mapper, GatewayConfig config, SharedState shared) {
        this.storeTrouble = shared.trouble();
        this.metrics = config.metrics().enabled();
        this.line = new TelemetryLine(mapper, config.metrics().namespace());
    }

    public void record(RequestReport report) {
        if (!metrics && !report.logStatistics()) {
            return;
        }
        // bytes, with the line's end, in one write: no String to encode again, and one line stays
        // whole when several requests end at once
        byte[] line = this.line.bytes(report, metrics, System.currentTimeMillis(),
                metrics ? storeTrouble.drainFallbacks() : 0);
        PrintStream out = System.out;
        out.write(line, 0, line.length);
    }
}
