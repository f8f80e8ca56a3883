package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matcher;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The {@code openai} format end to end: REST Assured through the Lambda HTTP handler (the
 * extension's mock event server turns each request into an API Gateway event), to a real HTTP
 * upstream that records what it was sent.
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamResource.class, restrictToAnnotatedClass = true)
class OpenAiRouteTest {

    private static final String CHAT = "/v1/chat/completions";

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    /** Answers like Mistral.ai: 401 unless the request carries the configured key. */
    private void upstreamRequiresConfiguredKey(String path, String goodAnswer) {
        upstream.reply(path, request -> UpstreamResource.CONFIGURED_KEY.equals(request.header("Authorization"))
                ? Reply.json(200, goodAnswer)
                : Reply.json(401, kong("openai/llm-v1-chat/responses/unauthorized.json")));
    }

    @Test
    void kongUnitChatFixtureIsTranslatedExactlyAndTheAnswerReturnedUnchanged() {
        upstreamRequiresConfiguredKey(CHAT, kong("unit/real-responses/mistral/openai/llm-v1-chat.json"));

        Response response = post("/mistral-chat", kong("unit/requests/llm-v1-chat.json"));

        response.then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("X-AI-Proxy-Model", "mistral/mistral-tiny");
        assertSameJson(kong("unit/expected-responses/mistral/openai/llm-v1-chat.json"), response.asString());
        Received sent = upstream.only();
        assertEquals("POST", sent.method());
        assertEquals(CHAT, sent.path());
        assertEquals(UpstreamResource.CONFIGURED_KEY, sent.header("Authorization"));
        assertSameJson(kong("unit/expected-requests/mistral/openai/llm-v1-chat.json"), sent.bodyText());
    }

    @Test
    void goodChatAnswerFromKongsMistralScenario() {
        upstreamRequiresConfiguredKey(CHAT, kong("mistral/llm-v1-chat/responses/good.json"));

        Response response = post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json"));

        response.then().statusCode(200);
        assertSameJson(kong("mistral/llm-v1-chat/responses/good.json"), response.asString());
        assertEquals("mistral-tiny", tree(upstream.only().bodyText()).path("model").asText());
    }

    @Test
    void goodCompletionsAnswerFromKongsMistralScenario() {
        upstream.reply("/v1/completions", Reply.json(200, kong("mistral/llm-v1-completions/responses/good.json")));

        Response response = post("/mistral-completions", kong("openai/llm-v1-completions/requests/good.json"));

        response.then().statusCode(200).header("X-AI-Proxy-Model", "mistral/mistral-tiny");
        assertSameJson(kong("mistral/llm-v1-completions/responses/good.json"), response.asString());
        assertSameJson("{\"prompt\":\"What are you?\",\"model\":\"mistral-tiny\",\"stream\":false}",
                upstream.only().bodyText());
    }

    @Test
    void wrongClientKeyIsReplacedByTheConfiguredOneWhenOverrideIsOff() {
        upstreamRequiresConfiguredKey(CHAT, kong("mistral/llm-v1-chat/responses/good.json"));

        given().contentType("application/json").header("Authorization", "Bearer wrong-key")
                .body(kong("openai/llm-v1-chat/requests/good.json"))
                .post("/mistral-chat")
                .then().statusCode(200);
        assertEquals(UpstreamResource.CONFIGURED_KEY, upstream.only().header("Authorization"));
    }

    @Test
    void wrongClientKeyWinsWhenOverrideIsOnAndTheUpstream401PassesThrough() {
        upstreamRequiresConfiguredKey(CHAT, kong("mistral/llm-v1-chat/responses/good.json"));

        Response response = given().contentType("application/json").header("Authorization", "Bearer wrong-key")
                .body(kong("openai/llm-v1-chat/requests/good_own_model.json").replace("try-to-override-the-model",
                        "open-mistral-7b"))
                .post("/override-chat");

        response.then().statusCode(401);
        assertSameJson(kong("openai/llm-v1-chat/responses/unauthorized.json"), response.asString());
        assertEquals("Bearer wrong-key", upstream.only().header("Authorization"));
    }

    @Test
    void configuredKeyIsUsedWhenOverrideIsOnButTheClientSentNone() {
        upstreamRequiresConfiguredKey(CHAT, kong("mistral/llm-v1-chat/responses/good.json"));

        post("/override-chat", "{\"model\":\"open-mistral-7b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(200).header("X-AI-Proxy-Model", "mistral/open-mistral-7b");
        assertEquals("open-mistral-7b", tree(upstream.only().bodyText()).path("model").asText());
    }

    @Test
    void ownModelIsRefusedWhenTheRouteHasOne() {
        post("/mistral-chat", kong("openai/llm-v1-chat/requests/good_own_model.json"))
                .then().statusCode(400)
                .contentType(startsWith("application/json"))
                .body("error.message", equalTo("cannot use own model - must be: mistral-tiny"))
                .body("error.type", equalTo("invalid_request_error"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void sameModelAsConfiguredIsAccepted() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        post("/mistral-chat", "{\"model\":\"mistral-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(200);
    }

    @Test
    void missingModelIsRefusedWhenTheRouteHasNone() {
        post("/override-chat", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(400)
                .body("error.message", equalTo("model parameter not found in request, nor in gateway configuration"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void badRequestsNeverReachTheUpstream() {
        Matcher<String> invalid = startsWith("request body doesn't contain valid prompts");
        post("/mistral-chat", kong("openai/llm-v1-chat/requests/bad_request.json"))
                .then().statusCode(400).body("error.message", invalid);
        post("/mistral-completions", kong("openai/llm-v1-completions/requests/bad_request.json"))
                .then().statusCode(400).body("error.message", invalid);
        post("/mistral-chat", "this is not json").then().statusCode(400).body("error.message", invalid);
        post("/mistral-chat", "").then().statusCode(400).body("error.message", invalid);
        post("/mistral-chat", "[1,2]").then().statusCode(400).body("error.message", invalid);
        post("/mistral-chat", "{\"messages\":[]}").then().statusCode(400).body("error.message", invalid);
        post("/mistral-chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing")
                .then().statusCode(400).body("error.message", invalid);
        given().body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}")
                .post("/mistral-chat").then().statusCode(400).body("error.message", equalTo("'stream' must be true or false"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void bodyShapeMustMatchTheRouteType() {
        post("/mistral-chat", kong("openai/llm-v1-completions/requests/good.json"))
                .then().statusCode(400).body("error.message",
                        equalTo("[llm/v1/completions] message format is not compatible with [llm/v1/chat] route type"));
        post("/mistral-completions", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(400).body("error.message",
                        equalTo("[llm/v1/chat] message format is not compatible with [llm/v1/completions] route type"));
        post("/mistral-chat", "{\"prompt\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}")
                .then().statusCode(400).body("error.message", equalTo("request matches multiple LLM request formats"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void configuredOptionsOverrideTheClientsAndTopKIsNotSentToMistral() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        post("/mistral-chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10,"
                + "\"temperature\":1.2,\"top_k\":5,\"safe_prompt\":true,\"random_seed\":7}")
                .then().statusCode(200);
        assertSameJson("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":512,\"temperature\":0.5,"
                + "\"safe_prompt\":true,\"random_seed\":7,\"model\":\"mistral-tiny\",\"stream\":false}",
                upstream.only().bodyText());
    }

    @Test
    void upstreamHtmlErrorPassesThroughWithItsStatus() {
        String html = kong("openai/llm-v1-chat/responses/internal_server_error.html");
        upstream.reply(CHAT, new Reply(500, Map.of("Content-Type", "text/html"),
                html.getBytes(StandardCharsets.UTF_8), Duration.ZERO));

        post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(500).contentType(startsWith("text/html")).body(equalTo(html));
    }

    @Test
    void upstreamJsonErrorPassesThroughWithItsStatus() {
        String error = kong("openai/llm-v1-chat/responses/bad_request.json");
        upstream.reply(CHAT, Reply.json(422, error));

        Response response = post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json"));

        response.then().statusCode(422).header("X-AI-Proxy-Model", nullValue());
        assertSameJson(error, response.asString());
    }

    @Test
    void upstreamAnswerWithoutChoicesIsATransformationFailure() {
        upstream.reply(CHAT, Reply.json(200, kong("openai/llm-v1-chat/responses/bad_upstream_response.json")));

        post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(500)
                .body("error.message",
                        equalTo("transformation failed from type mistral://llm/v1/chat: 'choices' not in llm/v1/chat response"));
    }

    @Test
    void upstreamAnswerThatIsNotJsonIsATransformationFailure() {
        upstream.reply(CHAT, new Reply(200, Map.of("Content-Type", "text/plain"),
                "ok".getBytes(StandardCharsets.UTF_8), Duration.ZERO));

        post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(500)
                .body("error.message",
                        equalTo("transformation failed from type mistral://llm/v1/chat: upstream answer is not JSON"));
    }

    @Test
    void upstreamCookiesAreDroppedAndRateLimitHeadersKept() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json"))
                .withHeader("Set-Cookie", "session=abc; Path=/")
                .withHeader("x-ratelimit-remaining-tokens", "4999"));

        post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(200)
                .header("Set-Cookie", nullValue())
                .header("x-ratelimit-remaining-tokens", "4999");
    }

    /** Headers the gateway sets replace the upstream's, whatever their case; CORS is the gateway owner's. */
    @Test
    void theGatewaysOwnHeadersAreNeverDoubled() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json"))
                .withHeader("x-ai-proxy-target", "9")
                .withHeader("X-AI-Proxy-Model", "mistral/other")
                .withHeader("x-request-id", "upstream-7")
                .withHeader("access-control-allow-origin", "*")
                .withHeader("content-TYPE", "text/plain"));

        Response answer = given().contentType("application/json").header("X-Request-Id", "client-1")
                .body(kong("openai/llm-v1-chat/requests/good.json")).when().post("/mistral-chat");

        answer.then().statusCode(200);
        assertEquals(List.of("0"), answer.headers().getValues("X-AI-Proxy-Target"));
        assertEquals(List.of("mistral/mistral-tiny"), answer.headers().getValues("X-AI-Proxy-Model"));
        assertEquals(List.of("client-1"), answer.headers().getValues("X-Request-Id"));
        assertEquals(List.of("upstream-7"), answer.headers().getValues("X-Upstream-Request-Id"));
        assertEquals(List.of(), answer.headers().getValues("Access-Control-Allow-Origin"));
        assertEquals(1, answer.headers().getValues("Content-Type").size());
    }

    /** Kong reads a null field as an absent one and ignores an empty model; so does the gateway. */
    @Test
    void nullsAndAnEmptyModelMeanWhatTheyMeanInKong() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        post("/mistral-chat", "{\"model\":\"\",\"prompt\":null,\"input\":null,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").then().statusCode(200);
        assertEquals("mistral-tiny", tree(upstream.only().bodyText()).get("model").textValue());

        // a content that is an object is neither text nor parts: refused, not forwarded
        upstream.reset();
        post("/mistral-chat", "{\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]}")
                .then().statusCode(400)
                .body("error.message", equalTo("messages[0].content must be a string or an array of content parts"));
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void modelHeaderCanBeTurnedOff() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        post("/no-model-header", kong("openai/llm-v1-chat/requests/good.json"))
                .then().statusCode(200).header("X-AI-Proxy-Model", nullValue());
        assertNull(upstream.only().header("Authorization"), "no auth configured, none sent");
    }

    @Test
    void queryAuthParameterIsAddedToTheUpstreamUrl() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        given().contentType("application/json").queryParam("key", "client-value")
                .body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/query-auth").then().statusCode(200);
        assertEquals("key=query-secret", upstream.only().query());
    }

    @Test
    void bodyAuthParameterIsSetAndTheClientsWinsWithOverride() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        post("/body-auth", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(200);
        assertEquals("body-secret", tree(upstream.received().get(0).bodyText()).path("api_key").asText());

        post("/body-auth", "{\"model\":\"m\",\"api_key\":\"mine\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(200);
        assertEquals("mine", tree(upstream.received().get(1).bodyText()).path("api_key").asText());
    }

    @Test
    void bodyOverTheRouteLimitIsRefusedWith413() {
        upstream.reply(CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        String small = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        post("/small", small).then().statusCode(200);
        post("/small", small.replace("hi", "x".repeat(300)))
                .then().statusCode(413)
                .body("error.message", startsWith("request body is 3"))
                .body("error.type", equalTo("invalid_request_error"));
        assertEquals(1, upstream.received().size());
    }

    @Test
    void unreachableUpstreamIs502() {
        post("/down", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(502)
                .contentType(startsWith("application/json"))
                .body("error.message", startsWith("An invalid response was received from the upstream server: "
                        + "the connection to 127.0.0.1:"))
                .body("error.message", endsWith(" was refused: nothing listens there; check the upstream URL and "
                        + "that the server runs"));
    }

    @Test
    void anUpstreamWhoseNameDoesNotResolveIsSaidSo() {
        post("/unresolvable", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(502)
                .body("error.message", equalTo("An invalid response was received from the upstream server: the "
                        + "upstream's host name upstream.invalid could not be resolved; check the upstream URL and that "
                        + "the function can reach a DNS server (and the internet, for api.mistral.ai)"));
    }

    @Test
    void slowUpstreamIs504() {
        upstream.reply("/slow" + CHAT, Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json"))
                .delayedBy(Duration.ofSeconds(3)));

        post("/slow", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(504)
                .body("error.message", equalTo("The upstream server is timing out: no answer from 127.0.0.1:"
                        + upstream.port() + " within 400 ms (AI_PROXY_ROUTES_5__BALANCER_READ_TIMEOUT)"));
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405InTheErrorShape() {
        given().get("/nowhere").then().statusCode(404)
                .contentType(startsWith("application/json"))
                .body("error.message", equalTo("no route matches the path /nowhere"));
        post("/nowhere", kong("openai/llm-v1-chat/requests/good.json")).then().statusCode(404);
        given().get("/mistral-chat").then().statusCode(405)
                .header("Allow", "POST")
                .body("error.message", startsWith("this route only takes POST"));
        given().delete("/mistral-chat").then().statusCode(405);
        assertEquals(0, upstream.received().size());
    }

    @Test
    void theConfiguredKeyNeverReachesTheClient() {
        upstream.reply(CHAT, request -> Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        String[] bodies = {
                post("/mistral-chat", kong("openai/llm-v1-chat/requests/good.json")).asString(),
                post("/mistral-chat", kong("openai/llm-v1-chat/requests/good_own_model.json")).asString(),
                post("/mistral-chat", "nope").asString(),
        };
        for (String body : bodies) {
            assertFalse(body.contains("sk-configured"), body);
        }
        given().get("/mistral-chat").then().body(not(Matchers.containsString("sk-configured")));
    }
}
