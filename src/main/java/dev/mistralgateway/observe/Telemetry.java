package dev.mistralgateway.observe;

import java.io.PrintStream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.fleet.StoreTrouble;
import dev.mistralgateway.fleet.SharedState;

/**
 * Writes one JSON line per finished request to standard output, which Lambda sends to CloudWatch
 * Logs: a CloudWatch Embedded Metric Format document (requests, errors by class, latency, tokens,
 * cost, by route and by route and model), carrying the request's statistics when its target has
 * {@code log_statistics} on. Standard output, not the logger: CloudWatch reads metrics only from
 * a log event that is the EMF document itself, not one wrapped in a JSON log record.
 */
@ApplicationScoped
public class Telemetry {

    private final ObjectMapper mapper;
    private final boolean metrics;
    private final String namespace;
    private final StoreTrouble storeTrouble;

    public Telemetry(ObjectMapper mapper, GatewayConfig config, SharedState shared) {
        this.mapper = mapper;
        this.storeTrouble = shared.trouble();
        this.metrics = config.metrics().enabled();
        this.namespace = config.metrics().namespace();
    }

    public void record(RequestReport report) {
        if (!metrics && !report.logStatistics()) {
            return;
        }
        ObjectNode line = mapper.createObjectNode();
        if (metrics) {
            metrics(line, report);
        }
        if (report.logStatistics()) {
            statistics(line, report);
        }
        try {
            // bytes, with the line's end, in one write: no String to encode again, and one line stays
            // whole when several requests end at once
            byte[] json = mapper.writeValueAsBytes(line);
            byte[] withEnd = java.util.Arrays.copyOf(json, json.length + 1);
            withEnd[json.length] = '\n';
            PrintStream out = System.out;
            out.write(withEnd, 0, withEnd.length);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private void metrics(ObjectNode line, RequestReport report) {
        ObjectNode directive = line.putObject("_aws").put("Timestamp", System.currentTimeMillis())
                .putArray("CloudWatchMetrics").addObject().put("Namespace", namespace);
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add("route");
        dimensions.addArray().add("route").add("model");
        ArrayNode definitions = directive.putArray("Metrics");
        metric(definitions, "requests", "Count");
        metric(definitions, "client_errors", "Count");
        metric(definitions, "server_errors", "Count");
        metric(definitions, "latency", "Milliseconds");
        metric(definitions, "prompt_tokens", "Count");
        metric(definitions, "completion_tokens", "Count");
        // the prompt tokens read from the upstream's cache, part of prompt_tokens
        metric(definitions, "cached_tokens", "Count");
        metric(definitions, "cost", "None");
        // Redis calls that fell back to the instance's own state since the line before
        metric(definitions, "shared_state_fallbacks", "Count");
        line.put("route", report.route());
        line.put("model", report.metricModel());
        line.put("requests", 1);
        line.put("client_errors", report.status() >= 400 && report.status() < 500 ? 1 : 0);
        line.put("server_errors", report.status() >= 500 ? 1 : 0);
        line.put("latency", report.totalMillis());
        line.put("prompt_tokens", report.usage() == null ? 0 : report.usage().promptTokens());
        line.put("completion_tokens", report.usage() == null ? 0 : report.usage().completionTokens());
        line.put("cached_tokens", report.usage() == null ? 0 : report.usage().cachedTokens());
        line.put("cost", report.cost());
        line.put("shared_state_fallbacks", storeTrouble.drainFallbacks());
        line.put("request_id", report.requestId());
    }

    /** The semantic route's choice and its embeddings call, under Kong's semantic plugins' names. */
    private static void semantic(ObjectNode semantic, SemanticRouting routing) {
        semantic.put("matched", routing.matched());
        semantic.put("embeddings_provider", "mistral");
        semantic.put("embeddings_model", routing.model());
        semantic.put("embeddings_status", routing.status());
        semantic.put("embeddings_latency", routing.millis());
        semantic.put("embeddings_tokens", routing.usage() == null ? 0 : routing.usage().promptTokens());
        semantic.put("embeddings_cost", routing.cost());
    }

    private static void metric(ArrayNode definitions, String name, String unit) {
        definitions.addObject().put("Name", name).put("Unit", unit);
    }

    /** Kong's ai.proxy statistics, under the same names where Kong has one. */
    private void statistics(ObjectNode line, RequestReport report) {
        ObjectNode proxy = line.putObject("ai_proxy");
        ObjectNode meta = proxy.putObject("meta");
        meta.put("request_id", report.requestId());
        meta.put("provider_name", "mistral");
        meta.put("route", report.route());
        if (report.clientKey() != null) {
            meta.put("client_key", report.clientKey());
        }
        meta.put("target", report.target());
        meta.put("request_model", report.requestModel());
        meta.put("response_model", report.responseModel());
        meta.put("status", report.status());
        meta.put("attempts", report.attempts());
        meta.put("stream", report.stream());
        meta.put("upstream_headers_latency_ms", report.headersMillis());
        meta.put("llm_latency", report.totalMillis());
        ObjectNode usage = proxy.putObject("usage");
        if (report.usage() != null) {
            usage.put("prompt_tokens", report.usage().promptTokens());
            usage.put("completion_tokens", report.usage().completionTokens());
            usage.put("total_tokens", report.usage().totalTokens());
            usage.put("cached_tokens", report.usage().cachedTokens());
        }
        usage.put("time_per_token", report.timePerToken());
        usage.put("cost", report.cost());
        usage.put("estimated", report.estimated());
        if (report.semantic() != null) {
            semantic(proxy.putObject("semantic"), report.semantic());
        }
        if (report.requestBody() != null || report.answerBody() != null) {
            ObjectNode payload = proxy.putObject("payload");
            payload.put("request", report.requestBody());
            payload.put("response", report.answerBody());
        }
    }
}
