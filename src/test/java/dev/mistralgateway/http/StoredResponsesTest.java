package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.RedisServer;
import dev.mistralgateway.testing.mistral.MistralCloud;
import dev.mistralgateway.testing.openai.OpenAiSpec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Stored responses of the Responses API through the Lambda handler, on a real redis-server: a
 * follow-up with {@code previous_response_id} sends the Mistral.ai stand-in the earlier turn (every
 * body checked against Mistral's contract), {@code GET} and {@code DELETE} answer OpenAI's shapes, a
 * stored response is its client key's only, and a Redis that stops fails only what needs it.
 */
@QuarkusTest
@QuarkusTestResource(value = StoredResponsesTest.Routes.class, restrictToAnnotatedClass = true)
class StoredResponsesTest {

    static final String ALICE = "sk-alice-stored-7c1";
    static final String BOB = "sk-bob-stored-2e9";

    static RedisServer redis;

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            redis = RedisServer.start();
            return new GatewaySettings()
                    .route(0, "/v1/responses", "llm/v1/responses", "openai", upstream.url("/v1/chat/completions"))
                    .mistralCloud(0, 0, "mistral-small-latest")
                    .routeSetting(0, "client-auth-key-sha256", sha256(ALICE) + "," + sha256(BOB))
                    .route(1, "/limited/v1/messages", "llm/v1/chat", "openai", upstream.url("/m/v1/chat/completions"))
                    .routeSetting(1, "llm-format", "anthropic")
                    .routeSetting(1, "rate-limits[0].limit", "1")
                    .routeSetting(1, "rate-limits[0].window-size", "600")
                    .route(2, "/limited/v1/responses", "llm/v1/responses", "openai",
                            upstream.url("/r/v1/chat/completions"))
                    .routeSetting(2, "rate-limits[0].limit", "1")
                    .routeSetting(2, "rate-limits[0].window-size", "600")
                    .server("quarkus.redis.hosts", redis.url())
                    // a deadline the loaded test machine keeps
                    .server("ai-proxy.shared-state.deadline", "1000")
                    .server("ai-proxy.shared-state.responses-ttl", "600")
                    .build();
        }

        @Override
        public void stop() {
            super.stop();
            redis.close();
        }
    }

    private static final String WEATHER = "{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":"
            + "\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}";
    private static final String STREAM = """
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}

            data: [DONE]

            """;

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        redis.command("FLUSHALL");
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String answer(String message, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mistral-small-latest\","
                + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + finish + "\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}";
    }

    private static String text(String text) {
        return answer("{\"role\":\"assistant\",\"content\":\"" + text + "\"}", "stop");
    }

    private static RequestSpecification as(String key) {
        return given().contentType("application/json").header("Authorization", "Bearer " + key);
    }

    private static Response create(String key, String body) {
        return as(key).body(body).when().post("/v1/responses");
    }

    /** The body the stand-in got last, as JSON. */
    private JsonNode lastSent() {
        List<FakeUpstream.Received> received = upstream.received();
        return tree(received.get(received.size() - 1).bodyText());
    }

    @Test
    void aFollowUpSendsTheEarlierTurnAndGetAnswersTheStoredResponse() {
        upstream.reply("/v1/chat/completions", Reply.json(200, text("Paris.")));
        Response first = create(ALICE, "{\"model\":\"mistral-small-latest\",\"instructions\":\"Be brief.\","
                + "\"input\":\"Capital of France?\"}");
        first.then().statusCode(200);
        OpenAiSpec.assertResponse(first.asString());
        String id = tree(first.asString()).get("id").asText();

        upstream.reply("/v1/chat/completions", Reply.json(200, text("Rome.")));
        Response second = create(ALICE, "{\"model\":\"mistral-small-latest\",\"previous_response_id\":\"" + id
                + "\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"And Italy?\"}]}]}");

        second.then().statusCode(200).body("previous_response_id", equalTo(id))
                .body("output[0].content[0].text", equalTo("Rome."));
        OpenAiSpec.assertResponse(second.asString());
        // the earlier turn replayed before the new input; instructions are not carried over, as at OpenAI
        assertEquals(tree("[{\"role\":\"user\",\"content\":\"Capital of France?\"},{\"role\":\"assistant\","
                + "\"content\":\"Paris.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And Italy?\"}]}]"),
                lastSent().get("messages"));
        mistral.assertAllValid();

        // a chain: the third turn gets both earlier ones
        String secondId = tree(second.asString()).get("id").asText();
        create(ALICE, "{\"previous_response_id\":\"" + secondId + "\",\"input\":\"Spain?\"}").then().statusCode(200);
        assertEquals(List.of("Capital of France?", "Paris.", "And Italy?", "Rome.", "Spain?"),
                lastSent().get("messages").findValues("content").stream()
                        .map(content -> content.isTextual() ? content.asText() : content.at("/0/text").asText()).toList());

        Response stored = as(ALICE).get("/v1/responses/" + id);
        stored.then().statusCode(200).contentType(containsString("application/json"));
        OpenAiSpec.assertResponse(stored.asString());
        assertEquals(tree(first.asString()), tree(stored.asString()));
        assertEquals(3, upstream.received().size(), "GET called no upstream");
        // kept with the configured time to live
        String key = redis.command("KEYS ai-proxy:response:*" + id).split("\r\n")[2];
        long ttl = Long.parseLong(redis.command("TTL " + key).substring(1).trim());
        assertTrue(ttl > 500 && ttl <= 600, "ttl " + ttl);
    }

    @Test
    void aStoredResponseIsItsClientKeysOnly() {
        upstream.reply("/v1/chat/completions", Reply.json(200, text("Paris.")));
        String id = tree(create(ALICE, "{\"input\":\"Capital of France?\"}").asString()).get("id").asText();

        // another key learns nothing, not even that the response exists
        Response notBobs = as(BOB).get("/v1/responses/" + id);
        notBobs.then().statusCode(404).body("error.message", containsString("No response with id '" + id + "'"));
        OpenAiSpec.assertFits("ErrorResponse", tree(notBobs.asString()));
        create(BOB, "{\"previous_response_id\":\"" + id + "\",\"input\":\"And Italy?\"}").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("Previous response with id '" + id + "' not found"));
        as(BOB).delete("/v1/responses/" + id).then().statusCode(404);
        given().get("/v1/responses/" + id).then().statusCode(401);
        assertEquals(1, upstream.received().size(), "the refused follow-up reached no upstream");

        as(ALICE).delete("/v1/responses/" + id).then().statusCode(200).body("id", equalTo(id))
                .body("object", equalTo("response")).body("deleted", equalTo(true));
        as(ALICE).get("/v1/responses/" + id).then().statusCode(404);
    }

    @Test
    void storeFalseKeepsNothing() {
        upstream.reply("/v1/chat/completions", Reply.json(200, text("Paris.")));
        String id = tree(create(ALICE, "{\"input\":\"Capital of France?\",\"store\":false}").asString())
                .get("id").asText();

        as(ALICE).get("/v1/responses/" + id).then().statusCode(404);
        // only the balancer's shared books may be there (round-robin's turn), no stored response
        assertEquals("*0", redis.command("KEYS ai-proxy:response:*").trim());
    }

    /** A stream's response is stored before its last events go out: the GET right after it finds it. */
    @Test
    void aStreamedAnswerIsStoredAndContinuedLikeAWholeOne() {
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of(STREAM.getBytes(StandardCharsets.UTF_8))));
        Response streamed = create(ALICE, "{\"input\":\"hi\",\"stream\":true}");
        streamed.then().statusCode(200);
        List<JsonNode> events = ResponsesRouteTest.checkedEvents(streamed.asString());
        JsonNode completed = events.get(events.size() - 1).get("response");
        String id = completed.get("id").asText();

        Response stored = as(ALICE).get("/v1/responses/" + id);
        OpenAiSpec.assertResponse(stored.asString());
        assertEquals(completed, tree(stored.asString()));

        upstream.reply("/v1/chat/completions", Reply.json(200, text("Bye.")));
        create(ALICE, "{\"previous_response_id\":\"" + id + "\",\"input\":\"bye\"}").then().statusCode(200);
        assertEquals(tree("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"Hi there\"},"
                + "{\"role\":\"user\",\"content\":\"bye\"}]"), lastSent().get("messages"));
        mistral.assertAllValid();
    }

    /** The Agents SDK's way: the tool's output is the whole new input, the call comes from the store. */
    @Test
    void aToolRoundTripThroughPreviousResponseId() {
        upstream.reply("/v1/chat/completions", Reply.json(200, answer("{\"role\":\"assistant\",\"content\":\"\","
                + "\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}", "tool_calls")));
        JsonNode asked = tree(create(ALICE, "{\"input\":\"Weather in Paris?\",\"tools\":[" + WEATHER + "]}").asString());
        String callId = asked.at("/output/0/call_id").asText();

        upstream.reply("/v1/chat/completions", Reply.json(200, text("18 C.")));
        Response answered = create(ALICE, "{\"previous_response_id\":\"" + asked.get("id").asText() + "\",\"tools\":["
                + WEATHER + "],\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"" + callId
                + "\",\"output\":\"18 C\"}]}");

        answered.then().statusCode(200).body("output[0].content[0].text", equalTo("18 C."));
        OpenAiSpec.assertResponse(answered.asString());
        JsonNode messages = lastSent().get("messages");
        assertEquals("Weather in Paris?", messages.at("/0/content").asText());
        assertEquals(Ids.mistralToolCallId(callId), messages.at("/1/tool_calls/0/id").asText());
        assertEquals("get_weather", messages.at("/1/tool_calls/0/function/name").asText());
        assertEquals(Ids.mistralToolCallId(callId), messages.at("/2/tool_call_id").asText());
        assertEquals("18 C", messages.at("/2/content").asText());
        mistral.assertAllValid();
    }

    /** Without Redis a request that needs no stored state is answered; one that does gets a 503 that says why. */
    @Test
    void aRedisThatStopsFailsOnlyWhatNeedsAStoredResponse() {
        upstream.reply("/v1/chat/completions", Reply.json(200, text("Paris.")));
        String id = tree(create(ALICE, "{\"input\":\"Capital of France?\"}").asString()).get("id").asText();
        redis.stop();
        try {
            create(ALICE, "{\"input\":\"Capital of France?\"}").then().statusCode(200)
                    .body("output[0].content[0].text", equalTo("Paris."));
            create(ALICE, "{\"previous_response_id\":\"" + id + "\",\"input\":\"And Italy?\"}").then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("error.message", containsString("the previous response '" + id + "' could not be read"));
            as(ALICE).get("/v1/responses/" + id).then().statusCode(503);
        } finally {
            redis.startAgain();
        }
        assertEquals(2, upstream.received().size(), "the follow-up reached no upstream");
    }

    /** A rate limit's refusal in the shape of each client API, through the same handler. */
    @Test
    void aRateLimitRefusalIsInTheClientApisErrorShape() {
        upstream.reply("/m/v1/chat/completions", Reply.json(200, text("Bonjour.")));
        upstream.reply("/r/v1/chat/completions", Reply.json(200, text("Paris.")));
        String message = "{\"model\":\"m\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        given().contentType("application/json").body(message).post("/limited/v1/messages").then().statusCode(200);
        Response anthropic = given().contentType("application/json").body(message).post("/limited/v1/messages");
        anthropic.then().statusCode(429).header("Retry-After", Matchers.notNullValue())
                .body("type", equalTo("error")).body("error.type", equalTo("rate_limit_error"))
                .body("error.message", containsString("Rate limit reached on route 'limited/v1/messages'"));

        String responses = "{\"model\":\"m\",\"input\":\"hi\",\"store\":false}";
        given().contentType("application/json").body(responses).post("/limited/v1/responses").then().statusCode(200);
        Response openAi = given().contentType("application/json").body(responses).post("/limited/v1/responses");
        openAi.then().statusCode(429).body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.type", equalTo("requests"));
        OpenAiSpec.assertFits("ErrorResponse", tree(openAi.asString()));
        assertEquals(2, upstream.received().size(), "the refused requests reached no upstream");
    }
}
