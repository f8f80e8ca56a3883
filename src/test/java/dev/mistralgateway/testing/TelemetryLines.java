package dev.mistralgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The telemetry lines (EMF documents, statistics) the running application prints on standard output
 * while a test listens; what is printed still reaches the console too. {@link #close()} stops listening.
 */
public final class TelemetryLines implements AutoCloseable {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream original;

    private TelemetryLines() {
        original = System.out;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }
        }, true, StandardCharsets.UTF_8));
    }

    public static TelemetryLines listen() {
        return new TelemetryLines();
    }

    /** Everything printed so far. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The lines printed so far that are JSON objects with an EMF directive or statistics. */
    public List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (line.startsWith("{") && (line.contains("\"_aws\"") || line.contains("\"ai_proxy\""))) {
                lines.add(Json.tree(line));
            }
        }
        return lines;
    }

    /** Forgets what was printed so far. */
    public void reset() {
        synchronized (captured) {
            captured.reset();
        }
    }

    /** The one line printed so far, waiting up to {@code patience} for it (a stream is reported once it ends). */
    public JsonNode only(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<JsonNode> lines = lines();
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = lines();
        }
        if (lines.size() != 1) {
            throw new AssertionError("expected one telemetry line, got " + lines);
        }
        return lines.get(0);
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
