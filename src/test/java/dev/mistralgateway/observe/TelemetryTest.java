package dev.mistralgateway.observe;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.TelemetryLines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The line each request leaves on standard output (CloudWatch Logs on Lambda): statistics with
 * exact tokens and cost, payloads when asked, and an Embedded Metric Format document.
 */
@QuarkusTest
@QuarkusTestResource(value = TelemetryTest.Routes.class, restrictToAnnotatedClass = true)
class TelemetryTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(0, "/stats-openai", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(0, "model.name", "mistral-tiny")
                    .target(0, "model.options.input-cost", "1.0")
                    .target(0, "model.options.output-cost", "3.0")
                    .target(0, "logging.log-statistics", "true")
                    .target(0, "logging.log-payloads", "true")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer sk-telemetry-secret-91")
                    .route(1, "/stats-ollama", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(1, "model.name", "mistral")
                    .target(1, "model.options.input-cost", "2.0")
                    .target(1, "model.options.output-cost", "4.0")
                    .target(1, "logging.log-statistics", "true")
                    .route(2, "/quiet", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(2, "model.name", "mistral-tiny")
                    .route(3, "/any-model", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    // a named model, and a target without a name that serves any other model
                    .route(4, "/mixed-models", "llm/v1/chat", "openai", upstream.url("/v1/named"))
                    .target(4, "model.name", "mistral-small-latest")
                    .target(4, "model.alias", "small")
                    .alsoTarget(4, 1, "openai", upstream.url("/v1/chat/completions"), 1)
                    .build());
            settings.put("ai-proxy.metrics.enabled", "true");
            settings.put("ai-proxy.metrics.namespace", "GatewayTest");
            return settings;
        }
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}";
    private static final Set<String> UNITS = Set.of("Count", "Milliseconds", "None");

    @InjectUpstream
    FakeUpstream upstream;

    private TelemetryLines captured;

    @BeforeEach
    void capture() {
        upstream.reset();
        captured = TelemetryLines.listen();
    }

    @AfterEach
    void restore() {
        captured.close();
    }

    private JsonNode onlyLine() {
        List<JsonNode> lines = captured.lines();
        assertEquals(1, lines.size(), lines::toString);
        return lines.get(0);
    }

    private static Response post(String path, String body, String requestId) {
        return given().contentType("application/json").header("X-Request-Id", requestId).body(body).post(path);
    }

    @Test
    void anOpenAiAnswerLeavesExactTokensCostPayloadsAndAValidEmfDocument() {
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        Response response = post("/stats-openai", CHAT, "trace-123");

        response.then().statusCode(200).header("X-Request-Id", "trace-123");
        JsonNode line = onlyLine();
        JsonNode meta = line.at("/ai_proxy/meta");
        assertEquals("trace-123", meta.get("request_id").textValue());
        assertEquals("mistral", meta.get("provider_name").textValue());
        assertEquals("stats-openai", meta.get("route").textValue());
        assertEquals(0, meta.get("target").intValue());
        assertEquals("mistral-tiny", meta.get("request_model").textValue());
        assertEquals("mistralai/Mistral-7B-Instruct-v0.1-instruct", meta.get("response_model").textValue());
        assertEquals(200, meta.get("status").intValue());
        assertEquals(1, meta.get("attempts").intValue());
        JsonNode usage = line.at("/ai_proxy/usage");
        assertEquals(25, usage.get("prompt_tokens").intValue());
        assertEquals(12, usage.get("completion_tokens").intValue());
        assertEquals(37, usage.get("total_tokens").intValue());
        assertEquals((25 * 1.0 + 12 * 3.0) / 1_000_000, usage.get("cost").doubleValue(), 1e-12);
        assertFalse(usage.get("estimated").booleanValue());
        assertEquals(CHAT, line.at("/ai_proxy/payload/request").textValue());
        assertEquals(tree(kong("mistral/llm-v1-chat/responses/good.json")),
                tree(line.at("/ai_proxy/payload/response").textValue()));
        assertValidEmf(line);
        assertEquals(1, line.get("requests").intValue());
        assertEquals(25, line.get("prompt_tokens").intValue());
    }

    @Test
    void anOllamaAnswerCountsOllamasTokensAndLogsNoPayloadUnlessAsked() {
        upstream.reply("/api/chat", Reply.json(200, kong("unit/real-responses/mistral/ollama/llm-v1-chat.json")));

        post("/stats-ollama", CHAT, "trace-ollama").then().statusCode(200);

        JsonNode line = onlyLine();
        JsonNode usage = line.at("/ai_proxy/usage");
        assertEquals(26, usage.get("prompt_tokens").intValue());
        assertEquals(100, usage.get("completion_tokens").intValue());
        assertEquals((26 * 2.0 + 100 * 4.0) / 1_000_000, usage.get("cost").doubleValue(), 1e-12);
        assertTrue(line.at("/ai_proxy/payload").isMissingNode());
        assertValidEmf(line);
    }

    @Test
    void streamsCountTheUpstreamsUsageOrSayTheyEstimated() {
        upstream.reply("/api/chat",
                Reply.stream("application/x-ndjson", Duration.ZERO,
                        List.of(("""
                                {"model":"mistral","created_at":"2024-01-15T08:13:38Z","message":{"role":"assistant","content":"2"},"done":false}
                                {"model":"mistral","created_at":"2024-01-15T08:13:39Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":11,"eval_count":7}
                                """)
                                .getBytes())));
        post("/stats-ollama", CHAT.replace("{\"messages\"", "{\"stream\":true,\"messages\""), "s1").then().statusCode(200);
        JsonNode ollama = onlyLine();
        assertEquals(11, ollama.at("/ai_proxy/usage/prompt_tokens").intValue());
        assertEquals(7, ollama.at("/ai_proxy/usage/completion_tokens").intValue());
        assertFalse(ollama.at("/ai_proxy/usage/estimated").booleanValue());
        assertTrue(ollama.at("/ai_proxy/meta/stream").booleanValue());

        captured.reset();
        upstream.reply("/v1/chat/completions",
                Reply.stream("text/event-stream", Duration.ZERO,
                        List.of(("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1\"}}]}\n\n"
                                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" + 1\"}}]}\n\n"
                                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
                                + "data: [DONE]\n\n").getBytes())));
        post("/stats-openai", CHAT.replace("{\"messages\"", "{\"stream\":true,\"messages\""), "s2").then().statusCode(200);
        JsonNode mistral = onlyLine();
        assertEquals(9, mistral.at("/ai_proxy/usage/prompt_tokens").intValue());
        assertEquals(2, mistral.at("/ai_proxy/usage/completion_tokens").intValue());
        assertFalse(mistral.at("/ai_proxy/usage/estimated").booleanValue());

        captured.reset();
        upstream.reply("/v1/chat/completions",
                Reply.stream("text/event-stream", Duration.ZERO,
                        List.of(("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1\"}}]}\n\n"
                                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" + 1\"}}]}\n\n"
                                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                                + "data: [DONE]\n\n").getBytes())));
        post("/stats-openai", CHAT.replace("{\"messages\"", "{\"stream\":true,\"messages\""), "s3").then().statusCode(200);
        JsonNode estimated = onlyLine();
        assertTrue(estimated.at("/ai_proxy/usage/estimated").booleanValue());
        assertEquals(2, estimated.at("/ai_proxy/usage/completion_tokens").intValue());
        assertEquals(3, estimated.at("/ai_proxy/usage/prompt_tokens").intValue(), "12 characters, about 3 tokens");
    }

    @Test
    void withoutStatisticsTheLineIsMetricsOnlyAndErrorsAreCountedByClass() {
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        post("/quiet", CHAT, "q1").then().statusCode(200);
        JsonNode quiet = onlyLine();
        assertTrue(quiet.path("ai_proxy").isMissingNode());
        assertValidEmf(quiet);

        captured.reset();
        post("/quiet", "{\"prompt\":\"wrong shape\"}", "q2").then().statusCode(400);
        JsonNode refused = onlyLine();
        assertEquals(1, refused.get("client_errors").intValue());
        assertEquals(0, refused.get("server_errors").intValue());

        captured.reset();
        upstream.reply("/v1/chat/completions", Reply.json(503, "{\"error\":{\"message\":\"busy\"}}"));
        post("/quiet", CHAT, "q3").then().statusCode(503);
        assertEquals(1, onlyLine().get("server_errors").intValue());
    }

    @Test
    void aRequestWithoutAnIdGetsOneAndAForgedOneIsReplaced() {
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        String given = given().contentType("application/json").body(CHAT).post("/stats-openai")
                .then().statusCode(200).extract().header("X-Request-Id");
        assertTrue(given.matches("req-[0-9a-f]{24}"), given);
        assertEquals(given, onlyLine().at("/ai_proxy/meta/request_id").textValue());

        String replaced = post("/stats-openai", CHAT, "bad id\" injected").then().extract().header("X-Request-Id");
        assertTrue(replaced.startsWith("req-"), replaced);
    }

    @Test
    void theUpstreamKeyAppearsInNoLineAndNoAnswer() {
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        String answer = post("/stats-openai", CHAT, "k1").asString();
        upstream.reply("/v1/chat/completions", Reply.json(401, "{\"error\":{\"message\":\"denied\"}}"));
        String denied = post("/stats-openai", CHAT, "k2").asString();

        assertEquals("Bearer sk-telemetry-secret-91", upstream.received().get(0).header("Authorization"));
        for (String text : List.of(answer, denied, captured.text())) {
            assertFalse(text.contains("sk-telemetry-secret-91"), text);
        }
    }

    /** The CloudWatch Embedded Metric Format specification's rules, on one line. */
    private static void assertValidEmf(JsonNode line) {
        JsonNode aws = line.get("_aws");
        assertTrue(aws.get("Timestamp").isIntegralNumber());
        assertTrue(Math.abs(aws.get("Timestamp").longValue() - System.currentTimeMillis()) < 60_000);
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertEquals("GatewayTest", directive.get("Namespace").textValue());
        for (JsonNode dimensionSet : directive.get("Dimensions")) {
            assertTrue(dimensionSet.size() >= 1 && dimensionSet.size() <= 30);
            for (JsonNode dimension : dimensionSet) {
                assertTrue(line.get(dimension.textValue()).isTextual(), "dimension " + dimension + " is a string member");
            }
        }
        for (JsonNode metric : directive.get("Metrics")) {
            assertTrue(UNITS.contains(metric.get("Unit").textValue()), metric.toString());
            assertTrue(line.get(metric.get("Name").textValue()).isNumber(), "metric " + metric + " is a number member");
        }
    }

    /** Each distinct dimension value is a billed CloudWatch metric: a client's made-up model must not become one. */
    @Test
    void aModelTheClientMadeUpIsNoMetricDimension() {
        upstream.reply("/v1/chat/completions", Reply.json(400, "{\"object\":\"error\",\"message\":\"Invalid model\"}"));
        post("/any-model", "{\"model\":\"made-up-4711\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "m-1")
                .then().statusCode(400);
        assertEquals("client-chosen", onlyLine().get("model").textValue());

        // llama.cpp (and other self-hosted servers) answer with whatever model the client named
        captured.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")
                .replace("mistralai/Mistral-7B-Instruct-v0.1-instruct", "made-up-4712")));
        post("/any-model", "{\"model\":\"made-up-4712\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "m-2")
                .then().statusCode(200);
        assertEquals("client-chosen", onlyLine().get("model").textValue(), "an echoed client model is no dimension");
    }

    /**
     * On a route whose other targets name models, an answer of the target without a name that carries one of
     * those names (or aliases) keeps it; any other name it answers with is the client's.
     */
    @Test
    void aModelOfTheRouteStaysADimensionWhenTheUpstreamAnswersWithIt() {
        for (String model : List.of("mistral-small-latest", "small")) {
            captured.reset();
            upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")
                    .replace("mistralai/Mistral-7B-Instruct-v0.1-instruct", model)));
            given().contentType("application/json").header("X-Request-Id", "m-" + model)
                    .body("{\"model\":\"llama-local\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/mixed-models").then().statusCode(200).header("X-AI-Proxy-Target", "1");
            assertEquals(model, onlyLine().get("model").textValue());
        }
        captured.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")
                .replace("mistralai/Mistral-7B-Instruct-v0.1-instruct", "llama-local")));
        given().contentType("application/json").header("X-Request-Id", "m-echo")
                .body("{\"model\":\"llama-local\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/mixed-models").then().statusCode(200).header("X-AI-Proxy-Target", "1");
        assertEquals("client-chosen", onlyLine().get("model").textValue());
    }
}
