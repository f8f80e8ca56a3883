package dev.mistralgateway.observe;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bytes of one telemetry line: the EMF document and/or Kong's statistics, then the line's end.
 *
 * <p>
 * Written field by field with a generator rather than built as a JSON tree and serialised: the
 * line is written at every request, and at C1 (how AWS runs a Java function) building and walking
 * the tree was ~5 % of a request's CPU (JFR, bench/run.sh's gateway-c1). The EMF directive's
 * metric definitions never change: they are serialised once and written raw. The bytes are the
 * ones the tree gave, field for field ({@code TelemetryLineTest} compares them).
 */
final class TelemetryLine {

    private final ObjectMapper mapper;
    /** The directive's {@code CloudWatchMetrics} array, the same at every line. */
    private final String cloudWatchMetrics;

    TelemetryLine(ObjectMapper mapper, String namespace) {
        this.mapper = mapper;
        try {
            this.cloudWatchMetrics = mapper.writeValueAsString(definitions(mapper, namespace));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The EMF directive's metric definitions: which dimensions and metrics CloudWatch reads from the line. */
    static ArrayNode definitions(ObjectMapper mapper, String namespace) {
        ArrayNode cloudWatchMetrics = mapper.createArrayNode();
        ObjectNode directive = cloudWatchMetrics.addObject().put("Namespace", namespace);
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
        return cloudWatchMetrics;
    }

    private static void metric(ArrayNode definitions, String name, String unit) {
        definitions.addObject().put("Name", name).put("Unit", unit);
    }

    /** The line, with its end: metrics when {@code metrics}, statistics when the report asks for them. */
    byte[] bytes(RequestReport report, boolean metrics, long timestamp, long fallbacks) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator line = mapper.createGenerator(out, JsonEncoding.UTF8)) {
            line.writeStartObject();
            if (metrics) {
                metrics(line, report, timestamp, fallbacks);
            }
            if (report.logStatistics()) {
                statistics(line, report);
            }
            line.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private void metrics(JsonGenerator line, RequestReport report, long timestamp, long fallbacks) throws IOException {
        line.writeObjectFieldStart("_aws");
        line.writeNumberField("Timestamp", timestamp);
        line.writeFieldName("CloudWatchMetrics");
        line.writeRawValue(cloudWatchMetrics);
        line.writeEndObject();
        line.writeStringField("route", report.route());
        line.writeStringField("model", report.metricModel());
        line.writeNumberField("requests", 1);
        line.writeNumberField("client_errors", report.status() >= 400 && report.status() < 500 ? 1 : 0);
        line.writeNumberField("server_errors", report.status() >= 500 ? 1 : 0);
        line.writeNumberField("latency", report.totalMillis());
        line.writeNumberField("prompt_tokens", report.usage() == null ? 0 : report.usage().promptTokens());
        line.writeNumberField("completion_tokens", report.usage() == null ? 0 : report.usage().completionTokens());
        line.writeNumberField("cached_tokens", report.usage() == null ? 0 : report.usage().cachedTokens());
        line.writeNumberField("cost", report.cost());
        line.writeNumberField("shared_state_fallbacks", fallbacks);
        line.writeStringField("request_id", report.requestId());
    }

    /** Kong's ai.proxy statistics, under the same names where Kong has one. */
    private static void statistics(JsonGenerator line, RequestReport report) throws IOException {
        line.writeObjectFieldStart("ai_proxy");
        line.writeObjectFieldStart("meta");
        line.writeStringField("request_id", report.requestId());
        line.writeStringField("provider_name", "mistral");
        line.writeStringField("route", report.route());
        if (report.clientKey() != null) {
            line.writeStringField("client_key", report.clientKey());
        }
        line.writeNumberField("target", report.target());
        line.writeStringField("request_model", report.requestModel());
        line.writeStringField("response_model", report.responseModel());
        line.writeNumberField("status", report.status());
        line.writeNumberField("attempts", report.attempts());
        line.writeBooleanField("stream", report.stream());
        line.writeNumberField("upstream_headers_latency_ms", report.headersMillis());
        line.writeNumberField("llm_latency", report.totalMillis());
        line.writeEndObject();
        line.writeObjectFieldStart("usage");
        if (report.usage() != null) {
            line.writeNumberField("prompt_tokens", report.usage().promptTokens());
            line.writeNumberField("completion_tokens", report.usage().completionTokens());
            line.writeNumberField("total_tokens", report.usage().totalTokens());
            line.writeNumberField("cached_tokens", report.usage().cachedTokens());
        }
        line.writeNumberField("time_per_token", report.timePerToken());
        line.writeNumberField("cost", report.cost());
        line.writeBooleanField("estimated", report.estimated());
        line.writeEndObject();
        if (report.semantic() != null) {
            semantic(line, report.semantic());
        }
        if (report.requestBody() != null || report.answerBody() != null) {
            line.writeObjectFieldStart("payload");
            line.writeStringField("request", report.requestBody());
            line.writeStringField("response", report.answerBody());
            line.writeEndObject();
        }
        line.writeEndObject();
    }

    /** The semantic route's choice and its embeddings call, under Kong's semantic plugins' names. */
    private static void semantic(JsonGenerator line, SemanticRouting routing) throws IOException {
        line.writeObjectFieldStart("semantic");
        line.writeStringField("matched", routing.matched());
        line.writeStringField("embeddings_provider", "mistral");
        line.writeStringField("embeddings_model", routing.model());
        line.writeNumberField("embeddings_status", routing.status());
        line.writeNumberField("embeddings_latency", routing.millis());
        line.writeNumberField("embeddings_tokens", routing.usage() == null ? 0 : routing.usage().promptTokens());
        line.writeNumberField("embeddings_cost", routing.cost());
        line.writeEndObject();
    }
}
