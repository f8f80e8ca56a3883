package dev.mistralgateway.observe;

import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.SseBody;
import dev.mistralgateway.testing.TelemetryLines;
import dev.mistralgateway.testing.kong.Kong315Examples;
import dev.mistralgateway.testing.mistral.MistralCloud;
import dev.mistralgateway.testing.openai.OpenAiSpec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Prompt tokens the upstream read from its cache, in each format's words (Mistral's
 * {@code num_cached_tokens} and {@code prompt_token_details}, llama.cpp's and OpenAI's
 * {@code prompt_tokens_details}): the client reads them in its API's words, the statistics line and
 * the EMF document count them, and the cost prices them at Kong 3.14's {@code cache_read_cost}.
 */
@QuarkusTest
@QuarkusTestResource(value = CachedTokensTest.Routes.class, restrictToAnnotatedClass = true)
class CachedTokensTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String mistral = upstream.url("/v1/chat/completions");
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(1, "/anthropic/v1/messages", "llm/v1/chat", "openai", mistral)
                    .mistralCloud(1, 0, "mistral-small-latest")
                    .routeSetting(1, "llm-format", "anthropic")
                    .route(2, "/v1/responses", "llm/v1/responses", "openai", mistral)
                    .mistralCloud(2, 0, "mistral-small-latest")
                    .target(2, "model.options.input-cost", "1.0")
                    .target(2, "model.options.cache-read-cost", "0.1")
                    .target(2, "logging.log-statistics", "true")
                    // llama.cpp: OpenAI's words; no cache-read cost, so cached tokens cost what others do
                    .route(3, "/llama-cpp", "llm/v1/chat", "openai", upstream.url("/llama/v1/chat/completions"))
                    .target(3, "model.name", "qwen")
                    .target(3, "model.options.input-cost", "2.0")
                    .target(3, "logging.log-statistics", "true")
                    .route(4, "/ollama", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(4, "model.name", "mistral")
                    .target(4, "logging.log-statistics", "true")
                    .build());
            // Kong 3.14's costs as a pasted block
            settings.put("ai-proxy.routes[0].paths", "/cached");
            settings.put("ai-proxy.routes[0].config", Kong315Examples.cachedCosts(mistral));
            settings.put("ai-proxy.routes[0].targets[0].model.options.mistral-cloud", "true");
            settings.put("ai-proxy.metrics.enabled", "true");
            return settings;
        }
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** Mistral's answer, its cached tokens in {@code num_cached_tokens} only. */
    private static final String MISTRAL = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":10,\"total_tokens\":1010,\"num_cached_tokens\":800}}";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;
    TelemetryLines captured;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
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

    private static String post(String path, String body) {
        return given().contentType("application/json").body(body).post(path).then().statusCode(200).extract().asString();
    }

    @Test
    void mistralsNumCachedTokensReachTheClientTheStatisticsTheEmfAndTheCost() {
        upstream.reply("/v1/chat/completions", Reply.json(200, MISTRAL));

        JsonNode answer = tree(post("/cached", CHAT));

        // the usage as OpenAI publishes it (the rest of the answer is Mistral's, passed on as it came)
        OpenAiSpec.assertFits("CompletionUsage", answer.get("usage"));
        assertEquals(800, answer.at("/usage/prompt_tokens_details/cached_tokens").intValue());
        assertEquals(800, answer.at("/usage/num_cached_tokens").intValue(), "Mistral's own words stay");
        JsonNode line = onlyLine();
        assertEquals(800, line.at("/ai_proxy/usage/cached_tokens").intValue());
        assertEquals(1000, line.at("/ai_proxy/usage/prompt_tokens").intValue());
        // 200 uncached prompt tokens at 1.0, 800 cached at 0.1, 10 completion tokens at 3.0, per million
        assertEquals((200 * 1.0 + 800 * 0.1 + 10 * 3.0) / 1_000_000, line.at("/ai_proxy/usage/cost").doubleValue(), 1e-12);
        assertEquals(800, line.get("cached_tokens").intValue());
        assertEquals((200 * 1.0 + 800 * 0.1 + 10 * 3.0) / 1_000_000, line.get("cost").doubleValue(), 1e-12);
        assertTrue(line.at("/_aws/CloudWatchMetrics/0/Metrics").findValuesAsText("Name").contains("cached_tokens"));
        assertEquals("mistral-small-latest", tree(upstream.only().bodyText()).path("model").asText());
        mistral.assertAllValid();
    }

    @Test
    void aStreamsPromptTokenDetailsReachTheClientInOpenAisWords() {
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO, List.of(
                ("data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-small-latest\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
                        + "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-small-latest\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":600,\"completion_tokens\":2,\"total_tokens\":602,"
                        + "\"prompt_token_details\":{\"cached_tokens\":500}}}\n\n"
                        + "data: [DONE]\n\n").getBytes())));

        List<String> events = SseBody.data(post("/cached", STREAM));

        JsonNode last = tree(events.get(events.size() - 2));
        OpenAiSpec.assertFits("CreateChatCompletionStreamResponse", last);
        assertEquals(500, last.at("/usage/prompt_tokens_details/cached_tokens").intValue());
        JsonNode line = onlyLine();
        assertEquals(500, line.at("/ai_proxy/usage/cached_tokens").intValue());
        assertEquals((100 * 1.0 + 500 * 0.1 + 2 * 3.0) / 1_000_000, line.at("/ai_proxy/usage/cost").doubleValue(), 1e-12);
        mistral.assertAllValid();
    }

    @Test
    void anthropicClientsReadThemAsCacheReadInputTokens() {
        upstream.reply("/v1/chat/completions", Reply.json(200, MISTRAL));

        JsonNode message = tree(post("/anthropic/v1/messages",
                "{\"model\":\"mistral-small-latest\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        assertEquals(200, message.at("/usage/input_tokens").intValue());
        assertEquals(800, message.at("/usage/cache_read_input_tokens").intValue());
        mistral.assertAllValid();
    }

    @Test
    void responsesClientsReadThemAsInputTokensDetails() {
        upstream.reply("/v1/chat/completions", Reply.json(200, MISTRAL));

        String response = post("/v1/responses", "{\"model\":\"mistral-small-latest\",\"input\":\"hi\"}");

        OpenAiSpec.assertResponse(response);
        assertEquals(800, tree(response).at("/usage/input_tokens_details/cached_tokens").intValue());
        assertEquals((200 * 1.0 + 800 * 0.1) / 1_000_000, onlyLine().at("/ai_proxy/usage/cost").doubleValue(), 1e-12);
        mistral.assertAllValid();
    }

    @Test
    void llamaCppsPromptTokensDetailsPassAndCostTheInputCostWithoutACacheReadCost() {
        String answer = MISTRAL.replace("\"num_cached_tokens\":800", "\"prompt_tokens_details\":{\"cached_tokens\":300}")
                .replace("mistral-small-latest", "qwen");
        upstream.reply("/llama/v1/chat/completions", Reply.json(200, answer));

        JsonNode client = tree(post("/llama-cpp", CHAT));

        assertEquals(tree(answer), client, "llama.cpp's answer already says it in OpenAI's words: it passes unchanged");
        JsonNode line = onlyLine();
        assertEquals(300, line.at("/ai_proxy/usage/cached_tokens").intValue());
        assertEquals(1000 * 2.0 / 1_000_000, line.at("/ai_proxy/usage/cost").doubleValue(), 1e-12);
    }

    @Test
    void ollamaReportsNoCachedTokens() {
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\","
                + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done_reason\":\"stop\",\"done\":true,"
                + "\"prompt_eval_count\":11,\"eval_count\":7}"));

        JsonNode client = tree(post("/ollama", CHAT));

        assertTrue(client.at("/usage/prompt_tokens_details").isMissingNode(), client::toString);
        assertEquals(0, onlyLine().at("/ai_proxy/usage/cached_tokens").intValue());
    }
}
