package dev.mistralgateway.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (what a collector or Jaeger listens with on port 4318):
 * it takes {@code POST /v1/traces} and {@code /v1/metrics} in protobuf, decodes them with
 * OpenTelemetry's own proto classes, and keeps every byte it was sent, headers included, so that a
 * test can look for what must never be there.
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<ExportTraceServiceRequest> traces = new ArrayList<>();
    private final List<ExportMetricsServiceRequest> metrics = new ArrayList<>();
    private final ByteArrayOutputStream everything = new ByteArrayOutputStream();

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the OTLP receiver", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", this::receive);
        server.start();
    }

    /** The endpoint to give QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT, with the http/protobuf protocol. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The gateway's settings that export to this receiver over http/protobuf, with nothing sent on a
     * schedule (spans and metrics wait a minute): whatever the receiver holds when an answer has come
     * was exported by the flush at the end of that invocation.
     */
    public Map<String, String> onlyFlushedSettings() {
        return Map.of("quarkus.otel.exporter.otlp.endpoint", endpoint(),
                "quarkus.otel.exporter.otlp.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "60s",
                "quarkus.otel.metric.export.interval", "60s");
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        synchronized (this) {
            StringBuilder head = new StringBuilder(exchange.getRequestMethod() + " " + path + "\n");
            exchange.getRequestHeaders().forEach((name, values) -> head.append(name).append(": ").append(values).append('\n'));
            everything.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            everything.writeBytes(body);
            if (path.endsWith("/v1/traces")) {
                traces.add(ExportTraceServiceRequest.parseFrom(body));
            } else if (path.endsWith("/v1/metrics")) {
                metrics.add(ExportMetricsServiceRequest.parseFrom(body));
            }
        }
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        // an empty ExportTrace/MetricsServiceResponse: full success
        exchange.sendResponseHeaders(200, 0);
        exchange.close();
    }

    /** Every span received so far, in the order they came. */
    public synchronized List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        traces.forEach(request -> request.getResourceSpansList()
                .forEach(resource -> resource.getScopeSpansList().forEach(scope -> spans.addAll(scope.getSpansList()))));
        return spans;
    }

    /** Every metric received so far (each export of a metric is one entry). */
    public synchronized List<Metric> metrics() {
        List<Metric> all = new ArrayList<>();
        metrics.forEach(request -> request.getResourceMetricsList()
                .forEach(resource -> resource.getScopeMetricsList().forEach(scope -> all.addAll(scope.getMetricsList()))));
        return all;
    }

    /** Every byte received, request lines and headers included, as text (protobuf keeps strings as UTF-8). */
    public synchronized String everything() {
        return everything.toString(StandardCharsets.UTF_8);
    }

    public synchronized void reset() {
        traces.clear();
        metrics.clear();
        everything.reset();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
