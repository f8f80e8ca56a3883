package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A target whose format refuses a request that another target of the route takes (here: Ollama cannot fetch an
 * image by URL, an OpenAI-format server can) is passed over for that request: the request goes on to the
 * others, and only when every target refuses is the refusal the answer.
 */
@QuarkusTest
@QuarkusTestResource(value = FailoverRefusalTest.Routes.class, restrictToAnnotatedClass = true)
class FailoverRefusalTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String down = "http://127.0.0.1:" + UpstreamResource.closedPort() + "/v1/chat/completions";
            return new GatewaySettings()
                    // round-robin between a server that takes image URLs and an Ollama that cannot
                    .route(0, "/mixed", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(0, "model.name", "m")
                    .alsoTarget(0, 1, "ollama", upstream.url("/api/chat"), 100)
                    .target(0, 1, "model.name", "m")
                    // the first (by priority) cannot be reached, the second refuses: the real failure is the answer
                    .route(1, "/failed-then-refused", "llm/v1/chat", "openai", down)
                    .target(1, "model.name", "m")
                    .target(1, "weight", "200")
                    .alsoTarget(1, 1, "ollama", upstream.url("/api/chat"), 100)
                    .target(1, 1, "model.name", "m")
                    .routeSetting(1, "balancer.algorithm", "priority")
                    // every target refuses
                    .route(2, "/all-refuse", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(2, "model.name", "m")
                    .alsoTarget(2, 1, "ollama", upstream.url("/api/chat"), 100)
                    .target(2, 1, "model.name", "m")
                    .build();
        }
    }

    private static final String WITH_IMAGE_URL = "{\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"text\",\"text\":\"what is this?\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}";
    private static final String OLLAMA_REFUSAL = "messages[0].content: Ollama cannot fetch images; send each "
            + "image_url as a base64 data URL (data:image/png;base64,...)";

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        upstream.reply("/api/chat", Reply.json(200, kong("unit/real-responses/mistral/ollama/llm-v1-chat.json")));
    }

    @Test
    void aTargetThatRefusesIsPassedOverAndRoundRobinAlwaysAnswers() {
        for (int i = 0; i < 6; i++) {
            given().contentType("application/json").body(WITH_IMAGE_URL).post("/mixed")
                    .then().statusCode(200).header("X-AI-Proxy-Target", "0").header("X-AI-Proxy-Attempts", "1");
        }
        assertEquals(6, upstream.received().size());
        upstream.received().forEach(sent -> assertEquals("/v1/chat/completions", sent.path()));
    }

    @Test
    void aFailureBeforeARefusalIsTheAnswer() {
        given().contentType("application/json").body(WITH_IMAGE_URL).post("/failed-then-refused")
                .then().statusCode(502)
                .body("error.message", startsWith("An invalid response was received from the upstream server: "
                        + "the connection to 127.0.0.1:"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void whenEveryTargetRefusesTheRefusalIsTheAnswer() {
        given().contentType("application/json").body(WITH_IMAGE_URL).post("/all-refuse")
                .then().statusCode(400).body("error.message", equalTo(OLLAMA_REFUSAL));
        assertEquals(0, upstream.received().size());
    }
}
