package dev.mistralgateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Values OpenAI's API refuses (its {@code CreateChatCompletionRequest}, {@code CreateCompletionRequest}
 * and {@code CreateEmbeddingRequest} ranges, and its live refusal of a {@code max_tokens} below 1)
 * are refused by the gateway too, with a 400 naming the field, before any upstream is called:
 * on every format, as a new user tried it on an {@code ollama} route.
 */
@QuarkusTest
@QuarkusTestResource(value = OutOfRangeValuesTest.Routes.class, restrictToAnnotatedClass = true)
class OutOfRangeValuesTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/ollama-chat", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .target(0, "model.name", "mistral")
                    .route(1, "/gguf-chat", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(1, "model.name", "mistral-7b")
                    .route(2, "/ollama-completions", "llm/v1/completions", "ollama", upstream.url("/api/generate"))
                    .target(2, "model.name", "mistral")
                    .route(3, "/embeddings", "llm/v1/embeddings", "openai", upstream.url("/v1/embeddings"))
                    .target(3, "model.name", "mistral-embed")
                    .build();
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\","
                + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":true,\"done_reason\":\"stop\","
                + "\"prompt_eval_count\":3,\"eval_count\":1}"));
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";

    /** What a new user tried: the ollama upstream answered 200 to it. */
    @Test
    void aNegativeMaxTokensNeverReachesOllama() {
        given().contentType("application/json").body(CHAT + "\"max_tokens\":-5}").post("/ollama-chat")
                .then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("'max_tokens' must be a whole number of at least 1, not -5"));

        assertTrue(upstream.received().isEmpty(), "the upstream was never called");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"max_tokens\":0|'max_tokens' must be a whole number of at least 1, not 0",
            "\"max_completion_tokens\":-1|'max_completion_tokens' must be a whole number of at least 1, not -1",
            "\"temperature\":2.5|'temperature' must be a number from 0 to 2, not 2.5",
            "\"temperature\":-0.1|'temperature' must be a number from 0 to 2, not -0.1",
            "\"top_p\":1.01|'top_p' must be a number from 0 to 1, not 1.01",
            "\"top_p\":-1|'top_p' must be a number from 0 to 1, not -1",
            "\"n\":0|'n' must be a whole number from 1 to 128, not 0",
            "\"n\":129|'n' must be a whole number from 1 to 128, not 129",
            "\"presence_penalty\":2.5|'presence_penalty' must be a number from -2 to 2, not 2.5",
            "\"frequency_penalty\":-3|'frequency_penalty' must be a number from -2 to 2, not -3",
            "\"top_logprobs\":21|'top_logprobs' must be a whole number from 0 to 20, not 21",
            "\"logprobs\":1|'logprobs' must be true or false, not 1"
    })
    void eachChatValueOpenAiRefusesIsRefusedOnEveryFormat(String fieldAndMessage) {
        String[] parts = fieldAndMessage.split("\\|");
        for (String path : new String[] { "/ollama-chat", "/gguf-chat" }) {
            given().contentType("application/json").body(CHAT + parts[0] + "}").post(path)
                    .then().statusCode(400)
                    .body("error.message", equalTo(parts[1]));
        }
        assertTrue(upstream.received().isEmpty(), "no upstream was called");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"max_tokens\":-1|'max_tokens' must be a whole number of at least 0, not -1",
            "\"best_of\":21|'best_of' must be a whole number from 0 to 20, not 21",
            "\"logprobs\":6|'logprobs' must be a whole number from 0 to 5, not 6",
            "\"temperature\":3|'temperature' must be a number from 0 to 2, not 3"
    })
    void completionsValuesOpenAiRefusesAreRefused(String fieldAndMessage) {
        String[] parts = fieldAndMessage.split("\\|");
        given().contentType("application/json").body("{\"prompt\":\"def f():\"," + parts[0] + "}")
                .post("/ollama-completions")
                .then().statusCode(400)
                .body("error.message", equalTo(parts[1]));
        assertTrue(upstream.received().isEmpty());
    }

    @Test
    void embeddingDimensionsBelowOneAreRefused() {
        given().contentType("application/json").body("{\"input\":\"hi\",\"dimensions\":0}").post("/embeddings")
                .then().statusCode(400)
                .body("error.message", containsString("'dimensions' must be a whole number of at least 1, not 0"));
        assertTrue(upstream.received().isEmpty());
    }

    @Test
    void valuesAtTheEdgesOfOpenAisRangesAreTaken() {
        given().contentType("application/json").body(CHAT + "\"max_tokens\":1,\"temperature\":2,\"top_p\":0,"
                + "\"n\":1,\"presence_penalty\":-2,\"frequency_penalty\":2,\"top_logprobs\":0,\"seed\":-7}")
                .post("/ollama-chat")
                .then().statusCode(200);
        assertEquals(1, upstream.received().size());
    }
}
