package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.mistral.MistralCloud;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Anthropic's Messages API ({@code llm_format: anthropic}) through the Lambda handler, on a
 * Mistral.ai target (every body checked against Mistral's contract), an Ollama target and a route
 * that fails over: what the client got, in Anthropic's shapes, and what each upstream was sent.
 */
@QuarkusTest
@QuarkusTestResource(value = AnthropicRouteTest.Routes.class, restrictToAnnotatedClass = true)
class AnthropicRouteTest {

    static final String CLIENT_KEY = "sk-gateway-anthropic-client";
    private static final String SSE = "text/event-stream";

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/v1/messages", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .mistralCloud(0, 0, "mistral-small-latest")
                    // Claude Code asks for Claude models by name
                    .target(0, "model.alias", "claude-sonnet-4-5")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer cloud-key")
                    .routeSetting(0, "llm-format", "anthropic")
                    .routeSetting(0, "client-auth-key-sha256", sha256Hex(CLIENT_KEY))
                    .route(1, "/ollama/v1/messages", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(1, "model.name", "mistral")
                    .target(1, "model.alias", "claude-sonnet-4-5")
                    .routeSetting(1, "llm-format", "anthropic")
                    .route(2, "/failover/v1/messages", "llm/v1/chat", "openai", upstream.url("/a/v1/chat/completions"))
                    .target(2, "weight", "100")
                    .alsoTarget(2, 1, "ollama", upstream.url("/api/chat"), 50)
                    .routeSetting(2, "llm-format", "anthropic")
                    .routeSetting(2, "balancer.algorithm", "priority")
                    .routeSetting(2, "balancer.failover-criteria", "error,timeout,http_500,non_idempotent")
                    .build();
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
    }

    private static final String TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather in a city\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]},\"cache_control\":{\"type\":\"ephemeral\"}}]";

    private static Response messages(String path, String body) {
        return given().contentType("application/json").header("x-api-key", CLIENT_KEY)
                .header("anthropic-version", "2023-06-01").header("anthropic-beta", "prompt-caching-2024-07-31")
                .body(body).when().post(path);
    }

    private static String mistralAnswer(String message, String finish, String usage) {
        return "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mistral-small-latest\","
                + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + finish + "\"}],"
                + "\"usage\":" + usage + "}";
    }

    @Test
    void aWholeAnswerFromMistralsCloudInAnthropicsShape() {
        upstream.reply("/v1/chat/completions", Reply.json(200, mistralAnswer(
                "{\"role\":\"assistant\",\"content\":\"Bonjour.\"}", "stop",
                "{\"prompt_tokens\":40,\"completion_tokens\":3,\"total_tokens\":43,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":32}}")));

        Response response = messages("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Say hello in French\"}]}],"
                + "\"temperature\":0.2,\"top_k\":5,\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u1\"}}");

        response.then().statusCode(200).contentType("application/json");
        JsonNode message = tree(response.asString());
        assertTrue(message.path("id").asText().startsWith("msg_"), response.asString());
        ((ObjectNode) message).put("id", "msg_ID");
        assertSameJson("{\"id\":\"msg_ID\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"mistral-small-latest\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Bonjour.\",\"citations\":null}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":8,\"output_tokens\":3,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":32}}", message.toString());

        mistral.assertAllValid();
        FakeUpstream.Received sent = upstream.only();
        assertEquals("Bearer cloud-key", sent.header("Authorization"));
        assertNull(sent.header("x-api-key"), "the client's gateway key never reaches an upstream");
        assertSameJson("{\"model\":\"mistral-small-latest\",\"max_tokens\":256,\"temperature\":0.2,\"stream\":false,"
                + "\"stop\":[\"END\"],\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Say hello in French\"}]}", sent.bodyText());
    }

    @Test
    void aToolUseRoundTripOnMistralsCloudKeepsTheIdsTheCloudTakes() {
        upstream.reply("/v1/chat/completions", Reply.json(200, mistralAnswer("{\"role\":\"assistant\",\"content\":\"\","
                + "\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}", "tool_calls",
                "{\"prompt_tokens\":60,\"completion_tokens\":9,\"total_tokens\":69}")));
        String ask = "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}";

        JsonNode first = tree(messages("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,"
                + "\"messages\":[" + ask + "]," + TOOLS + ",\"tool_choice\":{\"type\":\"any\"}}")
                .then().statusCode(200).extract().asString());
        assertEquals("tool_use", first.path("stop_reason").asText());
        JsonNode use = first.path("content").path(0);
        assertSameJson("{\"type\":\"tool_use\",\"id\":\"D681PevKs\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"},"
                + "\"caller\":{\"type\":\"direct\"}}", use.toString());
        assertEquals("\"any\"", tree(upstream.only().bodyText()).path("tool_choice").toString());

        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        upstream.reply("/v1/chat/completions", Reply.json(200, mistralAnswer(
                "{\"role\":\"assistant\",\"content\":\"18C in Paris.\"}", "stop",
                "{\"prompt_tokens\":80,\"completion_tokens\":5,\"total_tokens\":85}")));
        // the turn before came from Anthropic itself: its toolu_ id is mapped the same way in both places
        String earlier = "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_01A09q90qw90lq917835lq9\","
                + "\"name\":\"get_weather\",\"input\":{\"city\":\"Rome\"}}]},{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"tool_result\",\"tool_use_id\":\"toolu_01A09q90qw90lq917835lq9\",\"content\":\"24C\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"24C in Rome.\"},";
        JsonNode second = tree(messages("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,"
                + "\"messages\":[" + earlier + ask + ",{\"role\":\"assistant\",\"content\":" + first.path("content")
                + "},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + use.path("id").asText()
                + "\",\"content\":[{\"type\":\"text\",\"text\":\"18C\"}]}]}]," + TOOLS + "}")
                .then().statusCode(200).extract().asString());
        assertEquals("18C in Paris.", second.path("content").path(0).path("text").asText());

        mistral.assertAllValid();
        JsonNode sent = tree(upstream.only().bodyText()).path("messages");
        String mapped = Ids.mistralToolCallId("toolu_01A09q90qw90lq917835lq9");
        assertEquals(mapped, sent.path(0).path("tool_calls").path(0).path("id").asText());
        assertEquals(mapped, sent.path(1).path("tool_call_id").asText());
        assertEquals("D681PevKs", sent.path(4).path("tool_calls").path(0).path("id").asText());
        assertSameJson("{\"role\":\"tool\",\"tool_call_id\":\"D681PevKs\",\"content\":\"18C\"}", sent.path(5).toString());
    }

    @Test
    void aStreamFromMistralsCloudAsAnthropicsEvents() {
        String chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-small-latest\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]%s}\n\n";
        upstream.reply("/v1/chat/completions", Reply.stream(SSE, Duration.ZERO, List.of(
                String.format(chunk, "{\"role\":\"assistant\",\"content\":\"\"}", "null", "").getBytes(StandardCharsets.UTF_8),
                String.format(chunk, "{\"content\":\"Bon\"}", "null", "").getBytes(StandardCharsets.UTF_8),
                String.format(chunk, "{\"content\":\"jour\"}", "\"stop\"",
                        ",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}")
                        .getBytes(StandardCharsets.UTF_8),
                "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8))));

        Response response = messages("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");

        response.then().statusCode(200).contentType(SSE);
        List<String[]> events = events(response.asString());
        assertEquals(List.of("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop"), names(events));
        assertEquals("Bonjour", text(events));
        assertSameJson("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":2,\"cache_creation_input_tokens\":null,"
                + "\"cache_read_input_tokens\":null}}", events.get(6)[1]);
        mistral.assertAllValid();
        JsonNode sent = tree(upstream.only().bodyText());
        assertTrue(sent.path("stream").asBoolean());
        assertFalse(sent.has("stream_options"), "Mistral's schema has no stream_options: the hygiene drops it");
    }

    @Test
    void aSlowUpstreamsSilenceIsFilledWithPings() {
        String chunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]}\n\n";
        // each piece comes after a pause longer than the gateway's keep-alive interval
        upstream.reply("/v1/chat/completions", Reply.stream(SSE, Duration.ofMillis(5300), List.of(
                String.format(chunk, "thinking hard", "null").getBytes(StandardCharsets.UTF_8),
                (String.format(chunk, ", done", "\"stop\"") + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8))));

        List<String> names = names(events(messages("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .then().statusCode(200).extract().asString()));

        int firstDelta = names.indexOf("content_block_delta");
        int secondDelta = names.lastIndexOf("content_block_delta");
        assertTrue(names.subList(firstDelta, secondDelta).contains("ping"), names.toString());
        assertEquals("message_stop", names.get(names.size() - 1));
    }

    @Test
    void aStreamThatBreaksOffEndsWithAnthropicsErrorEvent() {
        upstream.reply("/v1/chat/completions", Reply.stream(SSE, Duration.ZERO, List.of(
                ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"Hal\"},\"finish_reason\":null}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8))));

        List<String[]> events = events(messages("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .then().statusCode(200).extract().asString());

        String[] last = events.get(events.size() - 1);
        assertEquals("error", last[0]);
        assertEquals("api_error", tree(last[1]).path("error").path("type").asText());
        assertFalse(names(events).contains("message_stop"));
    }

    @Test
    void anOllamaTargetWholeWithAToolCallAndStreamed() {
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\","
                + "\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":"
                + "\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}}]},\"done\":true,\"done_reason\":\"stop\","
                + "\"prompt_eval_count\":21,\"eval_count\":7}"));

        JsonNode whole = tree(given().contentType("application/json").body("{\"model\":\"claude-sonnet-4-5\","
                + "\"max_tokens\":50,\"top_k\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Oslo?\"}]," + TOOLS + "}")
                .post("/ollama/v1/messages").then().statusCode(200).extract().asString());

        assertEquals("tool_use", whole.path("stop_reason").asText());
        JsonNode use = whole.path("content").path(0);
        assertEquals("get_weather", use.path("name").asText());
        assertSameJson("{\"city\":\"Oslo\"}", use.path("input").toString());
        assertTrue(Ids.isMistralToolCallId(use.path("id").asText()), use.toString());
        assertSameJson("{\"input_tokens\":21,\"output_tokens\":7,\"cache_creation_input_tokens\":null,"
                + "\"cache_read_input_tokens\":null}", whole.path("usage").toString());
        JsonNode sent = tree(upstream.only().bodyText());
        assertEquals(50, sent.path("options").path("num_predict").asInt());
        assertEquals(20, sent.path("options").path("top_k").asInt());
        assertEquals("get_weather", sent.path("tools").path(0).path("function").path("name").asText());

        upstream.reset();
        upstream.reply("/api/chat", Reply.stream("application/x-ndjson", Duration.ZERO, List.of(
                "{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\",\"content\":\"Hei\"},\"done\":false}\n"
                        .getBytes(StandardCharsets.UTF_8),
                ("{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\",\"content\":\"!\"},\"done\":true,"
                        + "\"done_reason\":\"length\",\"prompt_eval_count\":5,\"eval_count\":2}\n")
                        .getBytes(StandardCharsets.UTF_8))));

        List<String[]> events = events(given().contentType("application/json")
                .body("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2,"
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/ollama/v1/messages").then().statusCode(200).contentType(SSE).extract().asString());
        assertEquals("Hei!", text(events));
        assertEquals("message_stop", events.get(events.size() - 1)[0]);
        JsonNode delta = tree(events.get(events.size() - 2)[1]);
        assertEquals("max_tokens", delta.path("delta").path("stop_reason").asText());
        assertEquals(2, delta.path("usage").path("output_tokens").asInt());
    }

    @Test
    void aStreamFailsOverBeforeItsFirstEvent() {
        upstream.reset(); // self-hosted targets: no Mistral contract at their door
        upstream.reply("/a/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        upstream.reply("/api/chat", Reply.stream("application/x-ndjson", Duration.ZERO, List.of(
                ("{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"done\":true,"
                        + "\"done_reason\":\"stop\",\"prompt_eval_count\":5,\"eval_count\":1}\n")
                        .getBytes(StandardCharsets.UTF_8))));

        Response response = given().contentType("application/json").body("{\"model\":\"mistral\",\"max_tokens\":9,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/failover/v1/messages");

        response.then().statusCode(200).header("X-AI-Proxy-Attempts", "2");
        assertEquals("ok", text(events(response.asString())));
        assertEquals(2, upstream.received().size());
    }

    @Test
    void countTokensIsAnsweredByTheGatewayBehindTheSameKey() {
        String request = "{\"model\":\"claude-sonnet-4-5\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + "word ".repeat(40) + "\"}]," + TOOLS + "}";

        JsonNode counted = tree(messages("/v1/messages/count_tokens", request).then().statusCode(200)
                .contentType("application/json").extract().asString());

        assertEquals(1, counted.size(), counted.toString());
        assertTrue(counted.path("input_tokens").asInt() > 50, counted.toString());
        assertTrue(upstream.received().isEmpty(), "counting calls no upstream");
        given().contentType("application/json").body(request).post("/v1/messages/count_tokens")
                .then().statusCode(401).body("type", Matchers.equalTo("error"))
                .body("error.type", Matchers.equalTo("authentication_error"));
    }

    @Test
    void everyErrorOnTheRouteIsInAnthropicsShape() {
        String hello = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // no key, or one in the header Anthropic's clients use besides Bearer
        assertError(given().contentType("application/json").body(hello).post("/v1/messages"), 401, "authentication_error");
        given().contentType("application/json").header("Authorization", "Bearer " + CLIENT_KEY).body("{}")
                .post("/v1/messages").then().statusCode(400).body("error.type", Matchers.equalTo(
                        "invalid_request_error"));
        // the gateway's own refusals
        assertError(messages("/v1/messages", hello.replace("}]}", "}],\"tools\":[{\"type\":\"bash_20250124\","
                + "\"name\":\"bash\"}]}")), 400, "invalid_request_error");
        assertError(messages("/v1/messages", "not json"), 400, "invalid_request_error");
        // the upstream's, whatever its body
        upstream.reply("/v1/chat/completions", Reply.json(429, "{\"object\":\"error\",\"message\":\"Rate limit exceeded\","
                + "\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\"}"));
        Response limited = messages("/v1/messages", hello);
        assertError(limited, 429, "rate_limit_error");
        assertTrue(limited.jsonPath().getString("error.message").contains("Rate limit exceeded"), limited.asString());
        upstream.reply("/v1/chat/completions", new Reply(503, Map.of("Content-Type", "text/html"),
                "<html>upstream busy</html>".getBytes(StandardCharsets.UTF_8), Duration.ZERO));
        assertError(messages("/v1/messages", hello), 503, "overloaded_error");
        assertTrue(upstream.received().stream().noneMatch(r -> r.bodyText().contains("bash")));
    }

    private static void assertError(Response response, int status, String type) {
        response.then().statusCode(status).contentType("application/json");
        JsonNode body = tree(response.asString());
        assertEquals("error", body.path("type").asText(), response.asString());
        assertEquals(type, body.path("error").path("type").asText(), response.asString());
        assertFalse(body.path("error").path("message").asText().isEmpty(), response.asString());
    }

    /** Each SSE event as its name and data, as Anthropic's SDKs read them. */
    static List<String[]> events(String body) {
        assertTrue(body.endsWith("\n\n"), body);
        List<String[]> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            String[] lines = event.split("\n");
            assertEquals(2, lines.length, event);
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), event);
            String name = lines[0].substring(7);
            String data = lines[1].substring(6);
            assertEquals(name, tree(data).path("type").asText(), "an event's name is its data's type: " + event);
            events.add(new String[] { name, data });
        }
        return events;
    }

    private static List<String> names(List<String[]> events) {
        return events.stream().map(event -> event[0]).toList();
    }

    private static String text(List<String[]> events) {
        StringBuilder text = new StringBuilder();
        for (String[] event : events) {
            text.append(tree(event[1]).path("delta").path("text").asText(""));
        }
        return text.toString();
    }

    static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
