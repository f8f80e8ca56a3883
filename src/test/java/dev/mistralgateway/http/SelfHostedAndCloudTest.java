package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * The {@code openai} format against its two kinds of hosting: Mistral's cloud API, which gets
 * OpenAI SDK requests made acceptable, and a self-hosted GGUF server (llama.cpp's
 * {@code llama-server}, vLLM), which gets them as sent and no auth.
 */
@QuarkusTest
@QuarkusTestResource(value = SelfHostedAndCloudTest.Routes.class, restrictToAnnotatedClass = true)
class SelfHostedAndCloudTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/mistral-cloud", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .mistralCloud(0, 0, "mistral-small-latest")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer cloud-key")
                    // llama-server answers on /chat/completions too; this path keeps it apart from the Mistral stand-in
                    .route(1, "/gguf-chat", "llm/v1/chat", "openai", upstream.url("/chat/completions"))
                    .route(2, "/gguf-completions", "llm/v1/completions", "openai", upstream.url("/v1/completions"))
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
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        upstream.reply("/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
        upstream.reply("/v1/completions", Reply.json(200, kong("mistral/llm-v1-completions/responses/good.json")));
    }

    private static Response post(String path, String body) {
        return given().contentType("application/json").header("Authorization", "Bearer client-key")
                .body(body).when().post(path);
    }

    /** What the official OpenAI SDKs send when a user sets these options. */
    private static final String OPENAI_SDK_REQUEST = "{\"model\":\"mistral-small-latest\","
            + "\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
            + "{\"role\":\"user\",\"name\":\"ann\",\"content\":\"hi\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"name\":\"f\",\"content\":\"42\"}],"
            + "\"max_completion_tokens\":100,\"seed\":7,\"tool_choice\":\"required\",\"user\":\"u-1\","
            + "\"logit_bias\":{\"50256\":-100},\"logprobs\":false,\"top_logprobs\":null,\"store\":false,"
            + "\"stream_options\":null,\"service_tier\":\"auto\",\"parallel_tool_calls\":true,"
            + "\"metadata\":{\"team\":\"a\"},\"n\":1,\"safe_prompt\":false}";

    @Test
    void mistralCloudGetsWhatItAcceptsAndNothingItRefuses() {
        post("/mistral-cloud", OPENAI_SDK_REQUEST).then().statusCode(200);

        mistral.assertAllValid();
        FakeUpstream.Received sent = upstream.only();
        assertEquals("Bearer cloud-key", sent.header("Authorization"));
        assertSameJson("{\"model\":\"mistral-small-latest\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                // "c1" is no id Mistral takes: both places get the same 9-character id
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"lJDSN1AF9\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"lJDSN1AF9\",\"name\":\"f\",\"content\":\"42\"}],"
                + "\"max_tokens\":100,\"random_seed\":7,\"tool_choice\":\"any\",\"parallel_tool_calls\":true,"
                + "\"metadata\":{\"team\":\"a\"},\"n\":1,\"safe_prompt\":false}", sent.bodyText());
    }

    @Test
    void mistralsOwnNamesWinOverTheOpenAiOnes() {
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":10,\"max_completion_tokens\":99,\"random_seed\":1,\"seed\":2}").then().statusCode(200);

        assertSameJson("{\"model\":\"mistral-small-latest\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10,\"random_seed\":1}",
                upstream.only().bodyText());
        mistral.assertAllValid();
    }

    @Test
    void selfHostedServerGetsTheRequestAsSentAndNoAuth() {
        String request = OPENAI_SDK_REQUEST.replace("mistral-small-latest", "mistral-7b-instruct-v0.3.Q4_K_M.gguf");

        post("/gguf-chat", request).then().statusCode(200);

        FakeUpstream.Received sent = upstream.only();
        assertNull(sent.header("Authorization"), "no auth configured: the client's key is not forwarded either");
        ObjectNode expected = (ObjectNode) tree(request);
        expected.put("stream", false);
        assertEquals(expected, tree(sent.bodyText()));
    }

    @Test
    void selfHostedCompletions() {
        post("/gguf-completions", "{\"model\":\"local\",\"prompt\":\"What are you?\",\"max_tokens\":16,\"seed\":3}")
                .then().statusCode(200);

        assertSameJson("{\"model\":\"local\",\"prompt\":\"What are you?\",\"max_tokens\":16,\"seed\":3,\"stream\":false}",
                upstream.only().bodyText());
    }
}
