package dev.mistralgateway.observe.otel;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.OtlpSpans.attempts;
import static dev.mistralgateway.testing.OtlpSpans.attribute;
import static dev.mistralgateway.testing.OtlpSpans.has;
import static dev.mistralgateway.testing.OtlpSpans.hex;
import static dev.mistralgateway.testing.OtlpSpans.only;
import static dev.mistralgateway.testing.OtlpSpans.text;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.OtlpSpans;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Traces and metrics through the Lambda handler to a real OTLP/HTTP receiver: a chat request that
 * fails over once leaves a SERVER span under the client's traceparent and a CLIENT span per attempt,
 * in the GenAI conventions, and its token and duration metrics. The batch processor and the metric
 * reader are set to wait a minute here, so whatever the receiver holds when the answer has come
 * was exported by the handler's flush, before the invocation ended.
 */
// the Lambda handler flushes a request's spans before the invocation ends, which this test asserts; the plain
// server exports them in batches after the answer (docs/observability-otel.md), so it is not run there
@DisabledIfSystemProperty(named = "gateway.entry", matches = "server")
@QuarkusTest
@QuarkusTestResource(value = GenAiTracingTest.Routes.class, restrictToAnnotatedClass = true)
class GenAiTracingTest {

    static final String UPSTREAM_KEY = "sk-otel-upstream-secret-7731";
    static final String CLIENT_KEY = "client-otel-secret-5519";

    public static class Routes extends OtlpRoutes {
        @Override
        protected GatewaySettings gateway(FakeUpstream upstream) {
            return failingOverOnce(new GatewaySettings(), 0, "/traced", upstream,
                    UPSTREAM_KEY)
                    .target(0, 1, "logging.log-payloads", "true")
                    .routeSetting(0, "client-auth-key-sha256", sha256(CLIENT_KEY))
                    .route(1, "/quiet", "llm/v1/chat", "openai", upstream.url("/c/v1/chat/completions"))
                    .target(1, "model.name", "mistral-tiny");
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String CHAT = "{\"model\":\"mistral-small-latest\",\"max_tokens\":64,\"temperature\":0.2,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}";
    private static final String GOOD = kong("mistral/llm-v1-chat/responses/good.json");

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        OtlpRoutes.receiver.reset();
    }

    @AfterAll
    static void noSecretWasEverExported() {
        // (checked after each test too; here for what the last flush may have carried)
        assertNoSecrets(OtlpRoutes.receiver.everything());
    }

    @Test
    void aFailoverIsAServerSpanWithTwoClientSpansUnderTheClientsTraceparent() throws Exception {
        upstream.reply("/a/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        upstream.reply("/b/v1/chat/completions", Reply.json(200, GOOD));

        Response response = given().header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CLIENT_KEY)
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")
                .header("X-Request-Id", "otel-req-1")
                .body(CHAT).post("/traced");

        response.then().statusCode(200).header("X-AI-Proxy-Attempts", "2");
        // no wait: the invocation ended only once its spans had been exported
        List<Span> spans = OtlpRoutes.receiver.spans();
        assertEquals(3, spans.size(), "spans received: " + spans.stream().map(Span::getName).toList());
        Span server = only(spans, Span.SpanKind.SPAN_KIND_SERVER);
        List<Span> attempts = attempts(spans);
        assertEquals(2, attempts.size());

        // the SERVER span: under the client's span, named and described in the GenAI conventions
        assertEquals(TRACE_ID, hex(server.getTraceId().toByteArray()));
        assertEquals(CLIENT_SPAN_ID, hex(server.getParentSpanId().toByteArray()));
        assertEquals("chat mistral-small-latest", server.getName());
        assertEquals("chat", text(server, "gen_ai.operation.name"));
        assertEquals("mistral_ai", text(server, "gen_ai.provider.name"));
        assertEquals("mistral-small-latest", text(server, "gen_ai.request.model"));
        assertEquals(Json.tree(GOOD).get("model").textValue(), text(server, "gen_ai.response.model"));
        assertEquals(64, attribute(server, "gen_ai.request.max_tokens").getIntValue());
        assertEquals(0.2, attribute(server, "gen_ai.request.temperature").getDoubleValue(), 1e-9);
        assertEquals(25, attribute(server, "gen_ai.usage.input_tokens").getIntValue());
        assertEquals(12, attribute(server, "gen_ai.usage.output_tokens").getIntValue());
        assertEquals(Json.tree(GOOD).get("id").textValue(), text(server, "gen_ai.response.id"));
        assertEquals(List.of("stop"), OtlpSpans.texts(server, "gen_ai.response.finish_reasons"));
        assertEquals("traced", text(server, "ai_proxy.route"));
        assertEquals("otel-req-1", text(server, "ai_proxy.request_id"));
        assertEquals(2, attribute(server, "ai_proxy.attempts").getIntValue());
        assertEquals(1, attribute(server, "ai_proxy.target").getIntValue());
        assertEquals(200, attribute(server, "http.response.status_code").getIntValue());

        // the failed attempt, and the failover after it, each a CLIENT span under the server's
        Span failed = attempts.get(0);
        Span answered = attempts.get(1);
        for (Span attempt : attempts) {
            assertEquals(TRACE_ID, hex(attempt.getTraceId().toByteArray()));
            assertEquals(hex(server.getSpanId().toByteArray()), hex(attempt.getParentSpanId().toByteArray()));
            assertEquals("chat mistral-small-latest", attempt.getName());
            assertEquals("chat", text(attempt, "gen_ai.operation.name"));
            assertEquals("mistral_ai", text(attempt, "gen_ai.provider.name"));
            assertEquals("127.0.0.1", text(attempt, "server.address"));
            assertEquals(upstream.port(), attribute(attempt, "server.port").getIntValue());
            assertEquals(64, attribute(attempt, "gen_ai.request.max_tokens").getIntValue());
        }
        assertEquals(0, attribute(failed, "ai_proxy.target").getIntValue());
        assertEquals(1, attribute(failed, "ai_proxy.attempt").getIntValue());
        assertEquals("500", text(failed, "error.type"));
        assertEquals(500, attribute(failed, "http.response.status_code").getIntValue());
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, failed.getStatus().getCode());
        assertEquals(1, attribute(answered, "ai_proxy.target").getIntValue());
        assertEquals(2, attribute(answered, "ai_proxy.attempt").getIntValue());
        assertFalse(has(answered, "error.type"));
        assertEquals(12, attribute(answered, "gen_ai.usage.output_tokens").getIntValue());
        assertTrue(failed.getEndTimeUnixNano() <= answered.getStartTimeUnixNano(), "the failover follows the failure");

        // each upstream call carried its own attempt's context
        List<Received> calls = upstream.received();
        assertEquals(2, calls.size());
        for (int i = 0; i < 2; i++) {
            assertEquals("00-" + TRACE_ID + "-" + hex(attempts.get(i).getSpanId().toByteArray()) + "-01",
                    calls.get(i).header("traceparent"));
        }

        // payload logging is on for the answering target: its prompt and answer, in the conventions' shape
        assertEquals(0, failed.getEventsCount());
        Span.Event details = answered.getEventsList().stream()
                .filter(event -> event.getName().equals("gen_ai.client.inference.operation.details")).findFirst().orElseThrow();
        JsonNode input = Json.tree(text(details.getAttributesList(), "gen_ai.input.messages"));
        assertEquals("user", input.get(0).get("role").textValue());
        assertEquals("What is 1+1?", input.get(0).get("parts").get(0).get("content").textValue());
        JsonNode output = Json.tree(text(details.getAttributesList(), "gen_ai.output.messages"));
        assertEquals("assistant", output.get(0).get("role").textValue());
        assertEquals(Json.tree(GOOD).get("choices").get(0).get("message").get("content").textValue(),
                output.get(0).get("parts").get(0).get("content").textValue());

        // the metrics of the request, exported with its spans
        Map<String, Double> tokens = histogram("gen_ai.client.token.usage").stream().collect(Collectors.toMap(
                point -> text(point.getAttributesList(), "gen_ai.token.type"), HistogramDataPoint::getSum));
        assertEquals(Map.of("input", 25.0, "output", 12.0), tokens);
        HistogramDataPoint tokenPoint = histogram("gen_ai.client.token.usage").get(0);
        assertEquals("mistral-small-latest", text(tokenPoint.getAttributesList(), "gen_ai.request.model"));
        assertEquals("mistral_ai", text(tokenPoint.getAttributesList(), "gen_ai.provider.name"));
        assertEquals("chat", text(tokenPoint.getAttributesList(), "gen_ai.operation.name"));
        List<HistogramDataPoint> durations = histogram("gen_ai.client.operation.duration");
        assertEquals(1, durations.size());
        assertEquals(1, durations.get(0).getCount());
        assertTrue(durations.get(0).getSum() > 0 && durations.get(0).getSum() < 30, "duration " + durations.get(0).getSum());

        assertNoSecrets(OtlpRoutes.receiver.everything());
    }

    @Test
    void withoutPayloadLoggingNoPromptOrAnswerIsRecordedAndTheMetricsNameTheConfiguredModel() {
        // the upstream answers with a model name of its own choosing: not a metric's value
        upstream.reply("/c/v1/chat/completions",
                Reply.json(200, GOOD.replace(Json.tree(GOOD).get("model").textValue(), "my-own-name-42")));

        given().header("Content-Type", "application/json")
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}")
                .post("/quiet").then().statusCode(200);

        List<Span> spans = OtlpRoutes.receiver.spans();
        assertEquals(2, spans.size(), "spans received: " + spans.stream().map(Span::getName).toList());
        spans.forEach(span -> assertEquals(0, span.getEventsCount(), span.getName()));
        assertFalse(OtlpRoutes.receiver.everything().contains("secret prompt"));
        // a new trace when the client sent none
        Span server = only(spans, Span.SpanKind.SPAN_KIND_SERVER);
        assertEquals(0, server.getParentSpanId().size());
        // the configured model, never the name the client chose, in the metrics
        for (Metric metric : OtlpRoutes.receiver.metrics()) {
            if (metric.hasHistogram()) {
                metric.getHistogram().getDataPointsList()
                        .forEach(point -> assertFalse(point.getAttributesList().toString().contains("my-own-name-42"),
                                metric.getName()));
            }
        }
        assertEquals(Optional.of("mistral-tiny"), histogram("gen_ai.client.operation.duration").stream()
                .map(point -> text(point.getAttributesList(), "gen_ai.request.model")).filter("mistral-tiny"::equals)
                .findFirst());
    }

    private static void assertNoSecrets(String exported) {
        OtlpSpans.assertNoSecrets(exported, UPSTREAM_KEY, CLIENT_KEY);
    }

    private static List<HistogramDataPoint> histogram(String name) {
        return OtlpRoutes.receiver.metrics().stream().filter(metric -> metric.getName().equals(name))
                .flatMap(metric -> metric.getHistogram().getDataPointsList().stream()).toList();
    }

    /**
     * A chat route of two Mistral.ai targets, {@code /a} then {@code /b} on the upstream, each with the
     * upstream key, that fails over on a 500.
     */
    static GatewaySettings failingOverOnce(GatewaySettings settings, int route, String path, FakeUpstream upstream,
            String upstreamKey) {
        return settings.route(route, path, "llm/v1/chat", "openai", upstream.url("/a/v1/chat/completions"))
                .mistralCloud(route, 0, "mistral-small-latest")
                .target(route, 0, "auth.header-name", "Authorization")
                .target(route, 0, "auth.header-value", "Bearer " + upstreamKey)
                .alsoTarget(route, 1, "openai", upstream.url("/b/v1/chat/completions"), 50)
                .mistralCloud(route, 1, "mistral-small-latest")
                .target(route, 1, "auth.header-name", "Authorization")
                .target(route, 1, "auth.header-value", "Bearer " + upstreamKey)
                .routeSetting(route, "balancer.algorithm", "priority")
                .routeSetting(route, "balancer.failover-criteria", "error,timeout,http_500");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
