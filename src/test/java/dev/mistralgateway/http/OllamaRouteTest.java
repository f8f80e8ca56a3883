package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The {@code ollama} format through the Lambda handler, against a recording stand-in of Ollama. */
@QuarkusTest
@QuarkusTestResource(value = OllamaRouteTest.OllamaRoutes.class, restrictToAnnotatedClass = true)
class OllamaRouteTest {

    public static class OllamaRoutes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/ollama-chat", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(0, "model.name", "mistral-tiny")
                    .target(0, "model.options.max-tokens", "512")
                    .target(0, "model.options.temperature", "0.5")
                    .route(1, "/ollama-completions", "llm/v1/completions", "ollama", upstream.url("/api/generate"))
                    .target(1, "model.name", "llama2")
                    .target(1, "model.options.max-tokens", "512")
                    .target(1, "model.options.temperature", "0.5")
                    .route(2, "/ollama-tuned", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(2, "model.options.ollama.num_ctx", "8192")
                    .target(2, "model.options.ollama.repeat_penalty", "1.1")
                    .target(2, "model.options.ollama.keep_alive", "10m")
                    .build();
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static final String HI = "{\"model\":\"mistral\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static String ollamaAnswer(String message, String extra) {
        return "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38.876196Z\",\"message\":" + message
                + ",\"done\":true,\"prompt_eval_count\":7,\"eval_count\":3" + extra + "}";
    }

    @Test
    void kongChatFixtureIsTranslatedBothWaysWithRealUsage() {
        upstream.reply("/api/chat", Reply.json(200, kong("unit/real-responses/mistral/ollama/llm-v1-chat.json")));

        Response response = post("/ollama-chat", kong("unit/requests/llm-v1-chat.json"));

        response.then().statusCode(200)
                .header("X-AI-Proxy-Model", "mistral/mistral-tiny")
                .body("id", matchesPattern("chatcmpl-[0-9a-f]{24}"));
        assertSameJson(kong("unit/expected-requests/mistral/ollama/llm-v1-chat.json"), upstream.only().bodyText());
        ObjectNode answer = (ObjectNode) tree(response.asString());
        assertEquals(Instant.parse("2024-01-15T08:13:38Z").getEpochSecond(), answer.get("created").asLong());
        answer.remove(List.of("id", "created"));
        // Kong's expected answer, with the usage Ollama really reported (26 + 100), not Kong's stale 130/139
        ObjectNode expected = (ObjectNode) tree(kong("unit/expected-responses/mistral/ollama/llm-v1-chat.json"));
        expected.set("usage", tree("{\"prompt_tokens\":26,\"completion_tokens\":100,\"total_tokens\":126}"));
        assertEquals(expected, answer);
    }

    @Test
    void kongCompletionsFixtureIsTranslatedBothWays() {
        upstream.reply("/api/generate", Reply.json(200, kong("unit/real-responses/llama2/ollama/llm-v1-completions.json")));

        Response response = post("/ollama-completions", kong("unit/requests/llm-v1-completions.json"));

        response.then().statusCode(200)
                .body("id", matchesPattern("cmpl-[0-9a-f]{24}"))
                .body("object", equalTo("text_completion"))
                .body("model", equalTo("llama2"))
                .body("choices[0].text", equalTo("Because I said so."))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(13))
                .body("usage.completion_tokens", equalTo(12))
                .body("usage.total_tokens", equalTo(25))
                .body("created", equalTo((int) Instant.parse("2024-01-15T08:14:21Z").getEpochSecond()));
        assertSameJson(kong("unit/expected-requests/llama2/ollama/llm-v1-completions.json"), upstream.only().bodyText());
    }

    @Test
    void jsonModeAsksOllamaForJsonAndReturnsItsText() {
        String answer = kong("mistral/request-transformer/response-in-json.json");
        upstream.reply("/api/chat", Reply.json(200, answer));

        Response response = post("/ollama-chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"list two persons\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}");

        response.then().statusCode(200);
        assertEquals("json", tree(upstream.only().bodyText()).path("format").asText());
        String content = tree(response.asString()).path("choices").get(0).path("message").path("content").asText();
        assertEquals(tree(answer).path("message").path("content").asText(), content);
        assertEquals("Kong A", tree(content).path("persons").get(0).path("name").asText());
    }

    @Test
    void jsonSchemaBecomesOllamasFormat() {
        upstream.reply("/api/chat", Reply.json(200, ollamaAnswer("{\"role\":\"assistant\",\"content\":\"{}\"}", "")));
        String schema = "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}},\"required\":[\"age\"]}";

        post("/ollama-tuned", "{\"model\":\"mistral\",\"messages\":[{\"role\":\"user\",\"content\":\"age?\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":" + schema + "}}}")
                .then().statusCode(200);
        assertSameJson(schema, tree(upstream.only().bodyText()).get("format").toString());
    }

    @Test
    void stopSeedAndTargetSettingsReachOllamasOptions() {
        upstream.reply("/api/chat", Reply.json(200, ollamaAnswer("{\"role\":\"assistant\",\"content\":\"ok\"}", "")));

        post("/ollama-tuned", "{\"model\":\"mistral\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"stop\":\"END\",\"seed\":42,\"max_completion_tokens\":64,\"top_p\":0.9,\"user\":\"u-1\"}")
                .then().statusCode(200).header("X-AI-Proxy-Model", "mistral/mistral");
        assertSameJson("{\"model\":\"mistral\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false,"
                + "\"keep_alive\":\"10m\",\"options\":{\"num_predict\":64,\"top_p\":0.9,\"seed\":42,\"stop\":[\"END\"],"
                + "\"num_ctx\":8192,\"repeat_penalty\":1.1}}", upstream.only().bodyText());
    }

    @Test
    void toolCallsGoToOllamaAsObjectsAndComeBackWithIdsAndJsonText() {
        upstream.reply("/api/chat", Reply.json(200, ollamaAnswer("{\"role\":\"assistant\",\"content\":\"\","
                + "\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\",\"days\":2}}}]}",
                ",\"done_reason\":\"stop\"")));
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]";

        Response response = post("/ollama-tuned", "{\"model\":\"mistral\",\"tools\":" + tools + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Lyon\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"12C\"}]}");

        response.then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("tool_calls"))
                .body("choices[0].message.content", nullValue())
                .body("choices[0].message.tool_calls[0].id", matchesPattern("[a-zA-Z0-9]{9}"))
                .body("choices[0].message.tool_calls[0].type", equalTo("function"))
                .body("choices[0].message.tool_calls[0].function.name", equalTo("get_weather"));
        String arguments = tree(response.asString()).at("/choices/0/message/tool_calls/0/function/arguments").textValue();
        assertSameJson("{\"city\":\"Paris\",\"days\":2}", arguments);
        JsonNode sent = tree(upstream.only().bodyText());
        assertSameJson(tools, sent.get("tools").toString());
        assertSameJson("[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":{\"city\":\"Lyon\"}}}]},"
                + "{\"role\":\"tool\",\"content\":\"12C\",\"tool_name\":\"get_weather\"}]", sent.get("messages").toString());
    }

    @Test
    void contentPartsBecomeTextAndBase64Images() {
        upstream.reply("/api/chat", Reply.json(200, ollamaAnswer("{\"role\":\"assistant\",\"content\":\"a cat\"}", "")));

        post("/ollama-tuned", "{\"model\":\"llava\",\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]}")
                .then().statusCode(200).body("choices[0].message.content", equalTo("a cat"));
        assertSameJson("[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"what is this?\",\"images\":[\"iVBORw0KGgo=\"]}]",
                tree(upstream.only().bodyText()).get("messages").toString());
    }

    @Test
    void imagesByUrlAreRefusedBecauseOllamaCannotFetchThem() {
        post("/ollama-tuned", "{\"model\":\"llava\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}")
                .then().statusCode(400).body("error.message", startsWith("messages[0].content: Ollama cannot fetch images"));
        post("/ollama-tuned", "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]}]}")
                .then().statusCode(400)
                .body("error.message", equalTo("messages[0].tool_calls: the arguments of 'f' are not valid JSON"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void finishReasonFollowsDoneReasonOrAFullTokenBudget() {
        upstream.reply("/api/chat", Reply.json(200, ollamaAnswer("{\"role\":\"assistant\",\"content\":\"cut\"}",
                ",\"done_reason\":\"length\"")));
        post("/ollama-tuned", HI).then().statusCode(200).body("choices[0].finish_reason", equalTo("length"));

        // no done_reason (older Ollama): 512 tokens out of a 512 budget means it was cut
        upstream.reply("/api/chat", Reply.json(200, ollamaAnswer("{\"role\":\"assistant\",\"content\":\"cut\"}", "")
                .replace("\"eval_count\":3", "\"eval_count\":512")));
        post("/ollama-chat", HI.replace("\"model\":\"mistral\",", "")).then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("length"));
    }

    @Test
    void answerWithoutADateIsStampedNow() {
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"ok\"},\"done\":true}"));
        long before = Instant.now().getEpochSecond();

        long created = tree(post("/ollama-tuned", HI).then().statusCode(200).extract().asString()).get("created").asLong();

        assertTrue(created >= before && created <= Instant.now().getEpochSecond(), "created " + created);
    }

    @Test
    void ollamaErrorsKeepTheirStatusInTheOpenAiShape() {
        upstream.reply("/api/chat", Reply.json(404, "{\"error\":\"model 'mistral' not found\"}"));
        post("/ollama-tuned", HI).then().statusCode(404)
                .contentType(startsWith("application/json"))
                .body("error.message", equalTo("model 'mistral' not found"))
                .body("error.type", equalTo("not_found_error"));

        upstream.reply("/api/chat", Reply.json(500, "{\"error\":\"llama runner process has terminated\"}"));
        post("/ollama-tuned", HI).then().statusCode(500)
                .body("error.message", equalTo("llama runner process has terminated"));
    }

    @Test
    void garbageAnswersAreTransformationFailures() {
        upstream.reply("/api/chat", new Reply(200, Map.of("Content-Type", "text/plain"),
                "<html>".getBytes(StandardCharsets.UTF_8), Duration.ZERO));
        post("/ollama-tuned", HI).then().statusCode(500).body("error.message",
                equalTo("transformation failed from type mistral://llm/v1/chat/ollama: upstream answer is not JSON"));

        upstream.reply("/api/chat", Reply.json(200, "{\"done\":true}"));
        post("/ollama-tuned", HI).then().statusCode(500).body("error.message",
                equalTo("transformation failed from type mistral://llm/v1/chat/ollama: 'message' not in llm/v1/chat response"));

        upstream.reply("/api/generate", Reply.json(200, "{\"message\":{\"content\":\"chat, not generate\"}}"));
        post("/ollama-completions", "{\"prompt\":\"hi\"}").then().statusCode(500).body("error.message",
                equalTo("transformation failed from type mistral://llm/v1/completions/ollama: "
                        + "'response' not in llm/v1/completions response"));
    }
}
