package dev.mistralgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Usage;

/**
 * The telemetry line is written field by field; its bytes must be those of the JSON tree it was
 * built as before (the same fields, order, numbers and escapes), which CloudWatch and the tests read.
 */
class TelemetryLineTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private static RequestReport report(Usage usage, boolean statistics, String clientKey, String requestBody,
            String answerBody, String responseModel) {
        return report(usage, statistics, clientKey, requestBody, answerBody, responseModel, null);
    }

    private static RequestReport report(Usage usage, boolean statistics, String clientKey, String requestBody,
            String answerBody, String responseModel, SemanticRouting semantic) {
        return new RequestReport("req-\"1\"\u2028", "route/é", 2, "mistral-tiny", responseModel, "client-chosen",
                503, 3, true, 17, 42, usage, usage == null, 4.75e-5, statistics, requestBody, answerBody, clientKey,
                semantic);
    }

    @Test
    void metricsOnlyLinesAreTheTreesBytes() throws Exception {
        assertSame("Mistral \"Gateway\" ü", report(Usage.of(12, 9), false, null, null, null, "m"), true, 0);
        assertSame("MistralGateway", report(null, false, null, null, null, null), true, 7);
    }

    @Test
    void statisticsLinesAreTheTreesBytes() throws Exception {
        assertSame("ns", report(Usage.of(25, 12), true, "team-a", "{\"a\":\"\\n\"}", "ok\u0001", "model-x"), true, 1);
        assertSame("ns", report(null, true, null, null, "only the answer", null), false, 0);
        assertSame("ns", report(Usage.of(0, 0), true, null, null, null, null), false, 0);
        assertSame("ns", report(Usage.of(40, 2, 32L), true, null, null, null, "m", new SemanticRouting("code \"review\"",
                "mistral-embed", 200, 12, Usage.of(7, 0), 0.1)), true, 2);
    }

    private void assertSame(String namespace, RequestReport report, boolean metrics, long fallbacks) throws Exception {
        long timestamp = 1_796_171_988_743L;
        byte[] written = new TelemetryLine(mapper, namespace).bytes(report, metrics, timestamp, fallbacks);
        assertEquals(tree(namespace, report, metrics, timestamp, fallbacks) + "\n",
                new String(written, StandardCharsets.UTF_8));
    }

    /** The line as a JSON tree, serialised: how Telemetry wrote it before it wrote field by field. */
    private String tree(String namespace, RequestReport report, boolean metrics, long timestamp, long fallbacks)
            throws Exception {
        ObjectNode line = mapper.createObjectNode();
        if (metrics) {
            ObjectNode aws = line.putObject("_aws").put("Timestamp", timestamp);
            aws.set("CloudWatchMetrics", TelemetryLine.definitions(mapper, namespace));
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
            line.put("shared_state_fallbacks", fallbacks);
            line.put("request_id", report.requestId());
        }
        if (report.logStatistics()) {
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
            SemanticRouting routing = report.semantic();
            if (routing != null) {
                ObjectNode semantic = proxy.putObject("semantic");
                semantic.put("matched", routing.matched());
                semantic.put("embeddings_provider", "mistral");
                semantic.put("embeddings_model", routing.model());
                semantic.put("embeddings_status", routing.status());
                semantic.put("embeddings_latency", routing.millis());
                semantic.put("embeddings_tokens", routing.usage() == null ? 0 : routing.usage().promptTokens());
                semantic.put("embeddings_cost", routing.cost());
            }
            if (report.requestBody() != null || report.answerBody() != null) {
                ObjectNode payload = proxy.putObject("payload");
                payload.put("request", report.requestBody());
                payload.put("response", report.answerBody());
            }
        }
        return mapper.writeValueAsString(line);
    }
}
