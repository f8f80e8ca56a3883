package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.assertSameJson;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.InjectUpstream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A Kong user's plugin {@code config:} block, pasted whole into one variable, serves the seed's
 * request through the Lambda handler.
 */
@QuarkusTest
@QuarkusTestResource(value = KongConfigBlockTest.PastedConfig.class, restrictToAnnotatedClass = true)
class KongConfigBlockTest {

    /** Configures route 0 with only a path and the pasted block, as a user would in two variables. */
    public static class PastedConfig extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String block = """
                    name: ai-proxy-advanced
                    config:
                      response_streaming: deny
                      targets:
                      - route_type: "llm/v1/chat"
                        auth:
                          header_name: "Authorization"
                          header_value: "Bearer pasted-key"
                        model:
                          provider: mistral
                          name: "mistral-tiny"
                          options:
                            mistral_format: openai
                            upstream_url: "%s"
                    """.formatted(upstream.url("/v1/chat/completions"));
            return Map.of("ai-proxy.routes[0].paths", "/mistral-chat", "ai-proxy.routes[0].config", block);
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    @Test
    void seedRequestIsServedFromThePastedBlock() {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        given().contentType("application/json")
                .body("{ \"messages\": [ { \"role\": \"system\", \"content\": \"You are a mathematician\" },"
                        + " { \"role\": \"user\", \"content\": \"What is 1+1?\"} ] }")
                .post("/mistral-chat")
                .then().statusCode(200).header("X-AI-Proxy-Model", "mistral/mistral-tiny")
                .body("choices[0].message.content", equalTo("The sum of 1 + 1 is 2."));

        FakeUpstream.Received sent = upstream.only();
        assertEquals("Bearer pasted-key", sent.header("Authorization"));
        assertSameJson("{\"messages\":[{\"role\":\"system\",\"content\":\"You are a mathematician\"},"
                + "{\"role\":\"user\",\"content\":\"What is 1+1?\"}],\"model\":\"mistral-tiny\",\"stream\":false}",
                sent.bodyText());
    }

    @Test
    void routeLevelSettingsOfTheBlockApply() {
        given().contentType("application/json")
                .body(kong("openai/llm-v1-chat/requests/good-stream.json"))
                .post("/mistral-chat")
                .then().statusCode(400).body("error.message", equalTo("response streaming is not enabled for this LLM"));
    }
}
