package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.SseBody;
import dev.mistralgateway.testing.mistral.MistralCloud;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What real OpenAI-style clients send, through the Lambda handler to a stand-in for Mistral's cloud
 * that checks every body against Mistral's own published spec and its rules beyond it
 * ({@link MistralCloud}). Each habit of the README's hygiene table reaches Mistral valid, whole and
 * streamed; the same habit on a route with the hygiene off is refused by the stand-in, which shows
 * each test can fail. Then what comes back: reasoning answers and Mistral's errors in the OpenAI
 * shape, and a tool conversation that moves between Mistral.ai and Ollama.
 */
@QuarkusTest
@QuarkusTestResource(value = MistralHygieneTest.Routes.class, restrictToAnnotatedClass = true)
class MistralHygieneTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String mistral = upstream.url("/v1/chat/completions");
            return new GatewaySettings()
                    .route(0, "/mistral-cloud", "llm/v1/chat", "openai", mistral)
                    .mistralCloud(0, 0, "mistral-small-latest")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer cloud-key")
                    // the same upstream with the hygiene switched off
                    .route(1, "/hygiene-off", "llm/v1/chat", "openai", mistral)
                    .target(1, "model.options.mistral-cloud", "false")
                    .target(1, "model.name", "mistral-small-latest")
                    // the README's priority example: Mistral.ai first, a local Ollama as fallback
                    .route(2, "/mistral-then-ollama", "llm/v1/chat", "openai", mistral)
                    .mistralCloud(2, 0, "mistral-small-latest")
                    .target(2, "weight", "100")
                    .alsoTarget(2, 1, "ollama", upstream.url("/api/chat"), 1)
                    .target(2, 1, "model.name", "mistral")
                    .routeSetting(2, "balancer.algorithm", "priority")
                    .routeSetting(2, "balancer.failover-criteria", "error,timeout,http_503,non_idempotent")
                    .build();
        }
    }

    private static final String ANSWER = kong("mistral/llm-v1-chat/responses/good.json");
    private static final String STREAM = """
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}

            data: [DONE]

            """;

    /** A weather tool, as the OpenAI SDK docs define it. */
    private static final String WEATHER_TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"Weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":"
            + "{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}";
    private static final String OPENAI_CALL_ID = "call_Xy7PqL2mN8vR4tK9wB3zD1aF";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        upstream.reply("/v1/chat/completions", request -> isStream(request)
                ? Reply.stream("text/event-stream", Duration.ZERO, List.of(STREAM.getBytes(StandardCharsets.UTF_8)))
                : Reply.json(200, ANSWER));
    }

    private static boolean isStream(Received request) {
        return tree(request.bodyText()).path("stream").asBoolean(false);
    }

    private static Response post(String path, String body) {
        return given().contentType("application/json").body(body).when().post(path);
    }

    private static String streamed(String body) {
        ObjectNode request = (ObjectNode) tree(body);
        request.put("stream", true);
        return request.toString();
    }

    /** What OpenAI-style clients really send; each one is refused by Mistral as it is. */
    static Stream<Arguments> habits() {
        return Stream.of(
                Arguments.of("unset options sent as null (OpenAI SDKs, LangChain)",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_p\":null,\"stop\":null,"
                                + "\"response_format\":null,\"tool_choice\":null,\"tools\":null,\"temperature\":null,"
                                + "\"presence_penalty\":null,\"frequency_penalty\":null,\"n\":null,\"max_tokens\":null}"),
                Arguments.of("a history echoed back with the SDK's message fields",
                        "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                                + "{\"role\":\"user\",\"content\":\"Capital of France?\"},"
                                + "{\"role\":\"assistant\",\"content\":\"Paris.\",\"refusal\":null,\"annotations\":[],"
                                + "\"audio\":null,\"function_call\":null,\"tool_calls\":null},"
                                + "{\"role\":\"user\",\"content\":\"And of Italy?\"}]}"),
                Arguments.of("a tool turn with OpenAI's tool call ids",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + OPENAI_CALL_ID
                                + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                                + "{\"role\":\"tool\",\"tool_call_id\":\"" + OPENAI_CALL_ID + "\",\"content\":\"18C\"}],"
                                + "\"tools\":[" + WEATHER_TOOL + "]}"),
                Arguments.of("temperature inside OpenAI's range, above Mistral's",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a poem\"}],\"temperature\":1.8}"),
                Arguments.of("an OpenAI reasoning effort",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}],\"reasoning_effort\":\"low\"}"),
                Arguments.of("the assistant's message to continue",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"A haiku on autumn\"},"
                                + "{\"role\":\"assistant\",\"content\":\"Autumn moonlight -\"}]}"),
                Arguments.of("the developer role and participant names",
                        "{\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                                + "{\"role\":\"user\",\"name\":\"ann\",\"content\":\"hi\"}]}"),
                Arguments.of("tools as agent frameworks declare them",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"what time is it?\"}],"
                                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"now\",\"description\":null,"
                                + "\"strict\":null}}],\"tool_choice\":\"required\",\"parallel_tool_calls\":true}"),
                Arguments.of("content parts: an image and OpenAI's audio object",
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\",\"detail\":\"auto\"}},"
                                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRiQAAABXQVZF\",\"format\":\"wav\"}}]}]}"),
                Arguments.of("OpenAI-only options",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":100,\"seed\":7,"
                                + "\"user\":\"u-1\",\"store\":false,\"stream_options\":{\"include_usage\":true},"
                                + "\"service_tier\":\"auto\",\"logprobs\":false,\"logit_bias\":{\"50256\":-100},"
                                + "\"metadata\":{\"team\":\"a\"},\"n\":1,\"prompt_cache_retention\":\"24h\"}"),
                Arguments.of("predicted output as text parts",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"fix the typo\"}],"
                                + "\"prediction\":{\"type\":\"content\",\"content\":[{\"type\":\"text\",\"text\":\"helo\"}]}}"),
                Arguments.of("a refusal echoed back",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"something bad\"},"
                                + "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"},"
                                + "{\"role\":\"user\",\"content\":\"ok, then hi\"}]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("habits")
    void eachHabitReachesMistralAsABodyItTakes(String habit, String body) {
        post("/mistral-cloud", body).then().statusCode(200).body("choices[0].message.role", equalTo("assistant"));
        String events = post("/mistral-cloud", streamed(body)).then().statusCode(200).extract().asString();
        assertEquals("[DONE]", SseBody.data(events).get(SseBody.data(events).size() - 1));

        assertEquals(2, mistral.checked(), "both bodies went to the stand-in");
        mistral.assertAllValid();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("habits")
    void withTheHygieneOffMistralRefusesEachHabit(String habit, String body) {
        Response refused = post("/hygiene-off", body);

        assertTrue(refused.statusCode() == 422 || refused.statusCode() == 400, refused.asString());
        assertFalse(mistral.allViolations().isEmpty());
        // Mistral's refusal reaches the client in the OpenAI error shape, its words kept
        assertTrue(refused.jsonPath().getString("error.message").length() > 0, refused.asString());
    }

    @Test
    void toolCallIdsAreMappedTheSameWayInEveryTurn() {
        String turn = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"id\":\"" + OPENAI_CALL_ID + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"id\":\"D681PevKs\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + OPENAI_CALL_ID + "\",\"content\":\"18C\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"D681PevKs\",\"content\":\"24C\"}]}";

        Response answer = post("/mistral-cloud", turn);
        assertEquals(200, answer.statusCode(), answer.asString());
        String nextTurn = turn.substring(0, turn.length() - 2) + ",{\"role\":\"assistant\",\"content\":\"Warm.\"},"
                + "{\"role\":\"user\",\"content\":\"thanks\"}]}";
        post("/mistral-cloud", nextTurn).then().statusCode(200);

        mistral.assertAllValid();
        JsonNode first = tree(upstream.received().get(0).bodyText()).get("messages");
        JsonNode next = tree(upstream.received().get(1).bodyText()).get("messages");
        String mapped = first.get(1).get("tool_calls").get(0).get("id").textValue();
        assertTrue(mapped.matches("[a-zA-Z0-9]{9}"), mapped);
        assertEquals(mapped, first.get(2).get("tool_call_id").textValue(), "the call and its answer still match");
        assertEquals(mapped, next.get(1).get("tool_calls").get(0).get("id").textValue(), "the next turn maps alike");
        assertEquals(mapped, next.get(2).get("tool_call_id").textValue());
        assertEquals("D681PevKs", first.get(1).get("tool_calls").get(1).get("id").textValue(), "Mistral's own id stays");
        assertEquals("D681PevKs", first.get(3).get("tool_call_id").textValue());
    }

    @Test
    void valuesOutsideMistralsRangesAreMappedAsTheReadmeSays() {
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":2,"
                + "\"reasoning_effort\":\"medium\",\"max_completion_tokens\":64.0,\"tool_choice\":\"required\","
                + "\"tools\":[" + WEATHER_TOOL + "]}").then().statusCode(200);
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\"}],\"reasoning_effort\":\"minimal\"}").then().statusCode(200);

        mistral.assertAllValid();
        JsonNode first = tree(upstream.received().get(0).bodyText());
        assertEquals(1.5, first.get("temperature").asDouble());
        assertEquals("high", first.get("reasoning_effort").textValue());
        assertTrue(first.get("max_tokens").isIntegralNumber());
        assertEquals("any", first.get("tool_choice").textValue());
        JsonNode second = tree(upstream.received().get(1).bodyText());
        assertEquals("none", second.get("reasoning_effort").textValue());
        assertTrue(second.get("messages").get(1).get("prefix").asBoolean(), "a trailing assistant message is a prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"top_p\":1.2|'top_p' must be a number from 0 to 1, not 1.2",
            "\"seed\":-1|'seed / random_seed' must be a whole number of at least 0 for Mistral's API, not -1",
            "\"n\":0|'n' must be a whole number from 1 to 128",
            "\"presence_penalty\":-3|'presence_penalty' must be a number from -2 to 2",
            "\"temperature\":-0.5|'temperature' must be a number from 0 to 2",
            "\"reasoning_effort\":\"max\"|'reasoning_effort' must be one of none, minimal, low, medium, high, xhigh",
            "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]|tools[0]: Mistral's API takes only function tools",
            "\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\",\"tools\":[]}}|'tool_choice' must be"
    })
    void aValueMistralCannotTakeIsTheClientsToFix(String fieldAndMessage) {
        String[] parts = fieldAndMessage.split("\\|");
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + parts[0] + "}")
                .then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString(parts[1]));

        assertTrue(upstream.received().isEmpty(), "nothing went to Mistral");
    }

    @Test
    void contentPartsMistralCannotTakeAreTheClientsToFix() {
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\","
                + "\"file\":{\"filename\":\"a.pdf\",\"file_data\":\"data:application/pdf;base64,JVBER\"}}]}]}")
                .then().statusCode(400)
                .body("error.message", containsString("messages[0].content[0]: Mistral's API takes a file by its 'file_id'"));
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://example.com/a.png\"}}]},{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(400)
                .body("error.message", containsString("a system message takes text and thinking parts only"));

        assertTrue(upstream.received().isEmpty());
    }

    @Test
    void aReasoningAnswerComesBackAsOpenAiClientsReadIt() {
        upstream.reply("/v1/chat/completions", Reply.json(200, "{\"id\":\"r1\",\"object\":\"chat.completion\","
                + "\"created\":1,\"model\":\"magistral-small-latest\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\","
                + "\"text\":\"Two and two \"},{\"type\":\"text\",\"text\":\"make four.\"}]},{\"type\":\"text\",\"text\":\"2 + 2 = \"},"
                + "{\"type\":\"text\",\"text\":\"4\"}]},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":30}}"));

        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}],\"reasoning_effort\":\"high\","
                + "\"prompt_mode\":\"reasoning\"}")
                .then().statusCode(200)
                .body("choices[0].message.content", equalTo("2 + 2 = 4"))
                .body("choices[0].message.reasoning_content", equalTo("Two and two make four."))
                .body("usage.total_tokens", equalTo(30));

        mistral.assertAllValid();
        JsonNode sent = tree(upstream.only().bodyText());
        assertEquals("high", sent.get("reasoning_effort").textValue());
        assertFalse(sent.has("prompt_mode"), "refused by every model: reasoning_effort says it");
    }

    @Test
    void aStreamedReasoningAnswerSendsTheThinkingFirst() {
        String head = "data: {\"id\":\"r1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"magistral-small-latest\","
                + "\"choices\":[{\"index\":0,\"delta\":";
        String stream = head + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\","
                + "\"text\":\"Two and two\"}]}]},\"finish_reason\":null}]}\n\n"
                + head + "{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\" make four.\"}]},"
                + "{\"type\":\"text\",\"text\":\"2 + 2\"}]},\"finish_reason\":null}]}\n\n"
                + head + "{\"content\":\" = 4\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":30}}\n\n"
                + "data: [DONE]\n\n";
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                Reply.piecesOf(stream, 37)));

        String body = post("/mistral-cloud", "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}")
                .then().statusCode(200).extract().asString();

        List<String> events = SseBody.data(body);
        assertEquals(5, events.size(), body);
        JsonNode first = tree(events.get(0)).at("/choices/0/delta");
        assertEquals("assistant", first.get("role").textValue());
        assertEquals("Two and two", first.get("reasoning_content").textValue());
        assertFalse(first.has("content"));
        assertEquals(" make four.", tree(events.get(1)).at("/choices/0/delta/reasoning_content").textValue());
        assertFalse(tree(events.get(1)).at("/choices/0/delta").has("content"));
        assertEquals("2 + 2", tree(events.get(2)).at("/choices/0/delta/content").textValue());
        assertEquals(" = 4", tree(events.get(3)).at("/choices/0/delta/content").textValue());
        assertEquals(30, tree(events.get(3)).at("/usage/total_tokens").asInt());
        assertEquals("[DONE]", events.get(4));
    }

    @Test
    void mistralsValidationErrorReachesTheClientInTheOpenAiShape() {
        upstream.reply("/v1/chat/completions", Reply.json(422, "{\"object\":\"error\",\"message\":{\"detail\":["
                + "{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"messages\",1,\"refusal\"],"
                + "\"msg\":\"Extra inputs are not permitted\",\"input\":null},"
                + "{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"foo\"],\"msg\":\"Extra inputs are not permitted\"}]},"
                + "\"type\":\"invalid_request_message_error\",\"param\":null,\"code\":null}"));

        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(422)
                .body("error.message", equalTo("messages[1].refusal: Extra inputs are not permitted; "
                        + "foo: Extra inputs are not permitted"))
                .body("error.type", equalTo("invalid_request_message_error"))
                .body("error.param", equalTo("messages[1].refusal"));

        // FastAPI's bare shape
        upstream.reply("/v1/chat/completions", Reply.json(422, "{\"detail\":[{\"type\":\"missing\","
                + "\"loc\":[\"body\",\"model\"],\"msg\":\"Field required\"}]}"));
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(422)
                .body("error.message", equalTo("model: Field required"))
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void mistralsOtherErrorsReachTheClientInTheOpenAiShape() {
        upstream.reply("/v1/chat/completions", Reply.json(401, "{\"message\":\"Unauthorized\",\"request_id\":\"a1b2\"}"));
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(401)
                .body("error.message", equalTo("Unauthorized"))
                .body("error.type", equalTo("authentication_error"));

        upstream.reply("/v1/chat/completions", Reply.json(400, "{\"object\":\"error\",\"message\":\"Invalid model: "
                + "mistral-small-latest\",\"type\":\"invalid_model\",\"param\":null,\"code\":\"1500\"}"));
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(400)
                .body("error.message", equalTo("Invalid model: mistral-small-latest"))
                .body("error.type", equalTo("invalid_model"))
                .body("error.code", equalTo("1500"));

        // an error already in the OpenAI shape (a self-hosted server's) passes through as it came
        String openAiShaped = "{\"error\":{\"message\":\"context too long\",\"type\":\"invalid_request_error\",\"code\":400}}";
        upstream.reply("/v1/chat/completions", Reply.json(400, openAiShaped));
        assertEquals(tree(openAiShaped), tree(post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(400).extract().asString()));
    }

    /**
     * Three turns of one tool conversation through the README's priority example: Mistral.ai calls
     * a tool, is down for the second turn (Ollama answers with a call of its own), and takes the
     * third turn's whole history, Ollama's call included.
     */
    @Test
    void toolConversationAcrossMistralAndOllama() {
        upstream.reply("/v1/chat/completions", Reply.json(200, "{\"id\":\"m1\",\"object\":\"chat.completion\","
                + "\"created\":1,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"},\"index\":0}]},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":9,\"total_tokens\":18}}"));
        String tools = ",\"tools\":[" + WEATHER_TOOL + "]";
        String user = "{\"role\":\"user\",\"content\":\"Weather in Paris, then Rome?\"}";

        // turn 1: Mistral.ai calls the tool
        JsonNode call1 = post("/mistral-then-ollama", "{\"messages\":[" + user + "]" + tools + "}")
                .then().statusCode(200).header("X-AI-Proxy-Target", "0")
                .extract().as(JsonNode.class).at("/choices/0/message");

        // turn 2: Mistral.ai is down, Ollama calls the tool again
        upstream.reply("/v1/chat/completions", Reply.json(503, "{\"object\":\"error\",\"message\":\"overloaded\"}"));
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\","
                + "\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":{\"city\":\"Rome\"}}}]},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":20,\"eval_count\":8}"));
        String history2 = user + "," + call1 + ",{\"role\":\"tool\",\"tool_call_id\":\""
                + call1.at("/tool_calls/0/id").textValue() + "\",\"content\":\"18C\"}";
        JsonNode call2 = post("/mistral-then-ollama", "{\"messages\":[" + history2 + "]" + tools + "}")
                .then().statusCode(200).header("X-AI-Proxy-Target", "1")
                .extract().as(JsonNode.class).at("/choices/0/message");
        String ollamaId = call2.at("/tool_calls/0/id").textValue();
        assertTrue(ollamaId.matches("[a-zA-Z0-9]{9}"), "Ollama's call gets an id Mistral takes: " + ollamaId);
        JsonNode toOllama = tree(upstream.received().get(upstream.received().size() - 1).bodyText());
        assertEquals("get_weather", toOllama.at("/messages/2/tool_name").textValue(), "Ollama learns which tool answered");

        // turn 3: Mistral.ai is back and takes the whole history
        upstream.reply("/v1/chat/completions", Reply.json(200, ANSWER));
        String history3 = history2 + "," + call2 + ",{\"role\":\"tool\",\"tool_call_id\":\"" + ollamaId
                + "\",\"content\":\"24C\"}";
        post("/mistral-then-ollama", "{\"messages\":[" + history3 + "]" + tools + "}")
                .then().statusCode(200).header("X-AI-Proxy-Target", "0");

        mistral.assertAllValid();
        assertEquals(3, mistral.checked(), "each turn went to Mistral.ai first");
        JsonNode turn3 = tree(upstream.received().get(upstream.received().size() - 1).bodyText());
        assertEquals(ollamaId, turn3.at("/messages/3/tool_calls/0/id").textValue());
        assertEquals(ollamaId, turn3.at("/messages/4/tool_call_id").textValue());
        assertNotEquals(turn3.at("/messages/1/tool_calls/0/id"), turn3.at("/messages/3/tool_calls/0/id"));
    }
}
