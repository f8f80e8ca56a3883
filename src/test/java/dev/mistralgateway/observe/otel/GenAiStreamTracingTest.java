package dev.mistralgateway.observe.otel;

import static dev.mistralgateway.observe.otel.GenAiTracingTest.failingOverOnce;
import static dev.mistralgateway.observe.otel.GenAiTracingTest.sha256;
import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.OtlpSpans.attempts;
import static dev.mistralgateway.testing.OtlpSpans.attribute;
import static dev.mistralgateway.testing.OtlpSpans.has;
import static dev.mistralgateway.testing.OtlpSpans.hex;
import static dev.mistralgateway.testing.OtlpSpans.only;
import static dev.mistralgateway.testing.OtlpSpans.text;
import static dev.mistralgateway.testing.OtlpSpans.texts;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.OtlpSpans;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Streamed answers and early refusals through the Lambda handler to a real OTLP/HTTP OtlpRoutes.receiver. A
 * stream's span carries its answer's id, model, finish reasons and usage as the stream's own events
 * gave them, on every client API; a refusal answered before any upstream call (a missing key's 401,
 * an unknown path's 404, a bad body's 400, a rate limit's 429) has its span at the receiver when
 * the answer comes. As in {@link GenAiTracingTest}, nothing is exported on a schedule here.
 */
@DisabledIfSystemProperty(named = "gateway.entry", matches = "server")
@QuarkusTest
@QuarkusTestResource(value = GenAiStreamTracingTest.Routes.class, restrictToAnnotatedClass = true)
class GenAiStreamTracingTest {

    static final String UPSTREAM_KEY = "sk-otel-stream-upstream-4406";
    static final String CLIENT_KEY = "client-otel-stream-8823";
    static final String WRONG_KEY = "client-otel-wrong-1290";

    public static class Routes extends OtlpRoutes {
        @Override
        protected GatewaySettings gateway(FakeUpstream upstream) {
            return failingOverOnce(new GatewaySettings(), 0, "/streamed", upstream,
                    UPSTREAM_KEY)
                    .routeSetting(0, "client-auth-key-sha256", sha256(CLIENT_KEY))
                    .route(1, "/v1/responses", "llm/v1/responses", "openai", upstream.url("/r/v1/chat/completions"))
                    .mistralCloud(1, 0, "mistral-small-latest")
                    .route(2, "/v1/messages", "llm/v1/chat", "openai", upstream.url("/m/v1/chat/completions"))
                    .mistralCloud(2, 0, "mistral-small-latest")
                    .routeSetting(2, "llm-format", "anthropic")
                    .route(3, "/limited", "llm/v1/chat", "openai", upstream.url("/l/v1/chat/completions"))
                    .mistralCloud(3, 0, "mistral-small-latest")
                    .routeSetting(3, "rate-limits[0].limit", "1")
                    .routeSetting(3, "rate-limits[0].window-size", "600");
        }
    }

    /** A stream as Mistral sends one: the id and model in every chunk, the finish reason and usage in the last. */
    private static final String CHUNK = "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"mistral-small-2506\",\"choices\":[{\"index\":0,\"delta\":{%s},\"finish_reason\":%s}]%s}\n\n";
    private static final String USAGE = ",\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":9,\"total_tokens\":30}";
    private static final Duration PAUSE = Duration.ofMillis(150);

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        OtlpRoutes.receiver.reset();
    }

    private static Reply stream(String id, String finish) {
        return Reply.stream("text/event-stream", PAUSE, List.of(
                String.format(CHUNK, id, "\"role\":\"assistant\",\"content\":\"\"", "null", "").getBytes(),
                String.format(CHUNK, id, "\"content\":\"Two\"", "null", "").getBytes(),
                String.format(CHUNK, id, "\"content\":\".\"", "\"" + finish + "\"", USAGE).getBytes(),
                "data: [DONE]\n\n".getBytes()));
    }

    @Test
    void aStreamThatFailsOverOnceCarriesItsFinishReasonIdAndUsage() {
        upstream.reply("/a/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        upstream.reply("/b/v1/chat/completions", stream("cmpl-stream-77", "length"));

        Response response = given().header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CLIENT_KEY)
                .body("{\"model\":\"mistral-small-latest\",\"stream\":true,\"max_tokens\":9,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}")
                .post("/streamed");

        response.then().statusCode(200).header("X-AI-Proxy-Attempts", "2");
        assertTrue(response.asString().contains("\"finish_reason\":\"length\""), response.asString());
        assertTrue(response.asString().endsWith("data: [DONE]\n\n"), response.asString());
        List<Span> spans = OtlpRoutes.receiver.spans();
        assertEquals(3, spans.size(), "spans received: " + spans.stream().map(Span::getName).toList());
        Span server = only(spans, Span.SpanKind.SPAN_KIND_SERVER);
        List<Span> attempts = attempts(spans);
        assertEquals(2, attempts.size());
        assertEquals("500", text(attempts.get(0), "error.type"));
        for (Span answered : List.of(server, attempts.get(1))) {
            assertEquals(List.of("length"), texts(answered, "gen_ai.response.finish_reasons"), answered.getName());
            assertEquals("cmpl-stream-77", text(answered, "gen_ai.response.id"));
            assertEquals("mistral-small-2506", text(answered, "gen_ai.response.model"));
            assertEquals(21, attribute(answered, "gen_ai.usage.input_tokens").getIntValue());
            assertEquals(9, attribute(answered, "gen_ai.usage.output_tokens").getIntValue());
            assertFalse(attribute(answered, "ai_proxy.usage.estimated").getBoolValue());
            assertFalse(has(answered, "error.type"));
        }
        assertFalse(has(attempts.get(0), "gen_ai.response.id"));

        // both attempts asked for a stream, each under its own span
        List<Received> calls = upstream.received();
        assertEquals(2, calls.size());
        for (int i = 0; i < 2; i++) {
            assertTrue(calls.get(i).bodyText().contains("\"stream\":true"), calls.get(i).bodyText());
            assertEquals("00-" + hex(server.getTraceId().toByteArray()) + "-" + hex(attempts.get(i).getSpanId().toByteArray())
                    + "-01", calls.get(i).header("traceparent"));
        }

        // the first event came a pause after the answer's head: the time to first token counts from the
        // request's arrival to that event, and the time per token shares what followed among the 8 after it
        HistogramDataPoint first = point("gen_ai.server.time_to_first_token", "streamed");
        assertEquals(1, first.getCount());
        assertTrue(first.getSum() >= PAUSE.toMillis() / 1000.0, "time to first token " + first.getSum());
        HistogramDataPoint perToken = point("gen_ai.server.time_per_output_token", "streamed");
        assertEquals(1, perToken.getCount());
        double afterFirst = point("gen_ai.client.operation.duration", "streamed").getSum() - first.getSum();
        assertTrue(perToken.getSum() >= 2 * PAUSE.toMillis() / 1000.0 / 8 && perToken.getSum() <= afterFirst / 8 + 1e-3,
                "time per output token " + perToken.getSum() + " with " + afterFirst + " s after the first");
        OtlpSpans.assertNoSecrets(OtlpRoutes.receiver.everything(), UPSTREAM_KEY, CLIENT_KEY);
    }

    @Test
    void aStreamedResponsesAnswerCarriesTheResponsesIdAndTheStreamsFinishReason() {
        upstream.reply("/r/v1/chat/completions", stream("cmpl-r-1", "stop"));

        Response response = given().header("Content-Type", "application/json")
                .body("{\"model\":\"mistral-small-latest\",\"input\":\"What is 1+1?\",\"stream\":true}")
                .post("/v1/responses");

        response.then().statusCode(200);
        String id = firstMatch("\"id\":\"(resp_[^\"]+)\"", response.asString());
        Span server = only(OtlpRoutes.receiver.spans(), Span.SpanKind.SPAN_KIND_SERVER);
        assertEquals(id, text(server, "gen_ai.response.id"));
        assertEquals(List.of("stop"), texts(server, "gen_ai.response.finish_reasons"));
        assertEquals("mistral-small-2506", text(server, "gen_ai.response.model"));
        assertEquals(9, attribute(server, "gen_ai.usage.output_tokens").getIntValue());
        assertEquals(id, text(only(OtlpRoutes.receiver.spans(), Span.SpanKind.SPAN_KIND_CLIENT), "gen_ai.response.id"));
        assertTrue(upstream.only().bodyText().contains("\"stream\":true"), upstream.only().bodyText());
    }

    @Test
    void aStreamedAnthropicAnswerCarriesTheMessagesIdAndStopReason() {
        upstream.reply("/m/v1/chat/completions", stream("cmpl-m-1", "stop"));

        Response response = given().header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
                .body("{\"model\":\"mistral-small-latest\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}")
                .post("/v1/messages");

        response.then().statusCode(200);
        assertTrue(response.asString().contains("\"stop_reason\":\"end_turn\""), response.asString());
        String id = firstMatch("\"id\":\"(msg_[^\"]+)\"", response.asString());
        Span server = only(OtlpRoutes.receiver.spans(), Span.SpanKind.SPAN_KIND_SERVER);
        // Anthropic's words, as a whole Anthropic answer's span has them
        assertEquals(List.of("end_turn"), texts(server, "gen_ai.response.finish_reasons"));
        assertEquals(id, text(server, "gen_ai.response.id"));
        assertEquals("mistral-small-2506", text(server, "gen_ai.response.model"));
        assertEquals(21, attribute(server, "gen_ai.usage.input_tokens").getIntValue());
        assertEquals(9, attribute(server, "gen_ai.usage.output_tokens").getIntValue());
    }

    @Test
    void aMissingOrWrongKeysRefusalHasItsSpanExportedBeforeTheAnswer() {
        for (String key : new String[] { null, WRONG_KEY }) {
            OtlpRoutes.receiver.reset();
            var request = given().header("Content-Type", "application/json").body("{\"messages\":[]}");
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            request.post("/streamed").then().statusCode(401);

            // no wait: the refusal left only once its span had been exported
            Span server = refusal(401);
            assertEquals("streamed", text(server, "ai_proxy.route"));
            OtlpSpans.assertNoSecrets(OtlpRoutes.receiver.everything(), UPSTREAM_KEY, CLIENT_KEY, WRONG_KEY);
        }
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aRateLimitsRefusalHasItsSpanExportedBeforeTheAnswer() {
        upstream.reply("/l/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}";
        given().header("Content-Type", "application/json").body(chat).post("/limited").then().statusCode(200);
        OtlpRoutes.receiver.reset();

        given().header("Content-Type", "application/json").body(chat).post("/limited").then().statusCode(429);

        assertEquals("limited", text(refusal(429), "ai_proxy.route"));
        assertEquals(1, upstream.received().size(), "the refused request reached no upstream");
    }

    @Test
    void anUnknownPathsAndABadBodysRefusalsHaveTheirSpansExportedBeforeTheAnswer() {
        given().header("Content-Type", "application/json").body("{}").post("/nowhere").then().statusCode(404);
        refusal(404);
        OtlpRoutes.receiver.reset();

        given().header("Content-Type", "application/json").body("{not json").post("/v1/responses").then().statusCode(400);
        assertEquals("v1/responses", text(refusal(400), "ai_proxy.route"));
        assertEquals(0, upstream.received().size());
    }

    /** The one span the receiver holds: a refused request's SERVER span, with its status as its error. */
    private static Span refusal(int status) {
        List<Span> spans = OtlpRoutes.receiver.spans();
        assertEquals(1, spans.size(), "spans received: " + spans.stream().map(Span::getName).toList());
        Span server = only(spans, Span.SpanKind.SPAN_KIND_SERVER);
        assertEquals(String.valueOf(status), text(server, "error.type"));
        assertEquals(status, attribute(server, "http.response.status_code").getIntValue());
        return server;
    }

    private static HistogramDataPoint point(String metric, String route) {
        List<HistogramDataPoint> points = OtlpRoutes.receiver.metrics().stream().filter(m -> m.getName().equals(metric))
                .flatMap(m -> m.getHistogram().getDataPointsList().stream())
                .filter(p -> OtlpSpans.text(p.getAttributesList(), "ai_proxy.route").equals(route))
                // the answered request's, not a refused one's on the same route
                .filter(p -> p.getAttributesList().stream().noneMatch(a -> a.getKey().equals("error.type"))).toList();
        assertEquals(1, points.size(), metric + " on " + route + ": " + points);
        return points.get(0);
    }

    private static String firstMatch(String regex, String text) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertTrue(matcher.find(), regex + " in " + text);
        return matcher.group(1);
    }
}
