package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
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
 * The {@code llm/v1/embeddings} route type and Codestral's fill-in-the-middle behind
 * {@code llm/v1/completions}, for each hosting, through the Lambda handler: what the client gets
 * and what each upstream was sent (Mistral's cloud through the stand-in that checks its spec).
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddingsAndFimTest.Routes.class, restrictToAnnotatedClass = true)
class EmbeddingsAndFimTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/mistral-embeddings", "llm/v1/embeddings", "openai", upstream.url("/v1/embeddings"))
                    .mistralCloud(0, 0, "mistral-embed")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer cloud-key")
                    // llama-server --embeddings answers on /embeddings too: apart from the Mistral stand-in
                    .route(1, "/gguf-embeddings", "llm/v1/embeddings", "openai", upstream.url("/embeddings"))
                    .route(2, "/ollama-embeddings", "llm/v1/embeddings", "ollama", upstream.url("/api/embed"))
                    .target(2, "model.options.ollama.keep-alive", "5m")
                    .route(3, "/codestral", "llm/v1/completions", "openai", upstream.url("/v1/fim/completions"))
                    .mistralCloud(3, 0, "codestral-latest")
                    .route(4, "/ollama-completions", "llm/v1/completions", "ollama", upstream.url("/api/generate"))
                    .target(4, "model.name", "codestral")
                    .route(5, "/gguf-completions", "llm/v1/completions", "openai", upstream.url("/completions"))
                    .build();
        }
    }

    private static final String MISTRAL_EMBEDDINGS = "{\"id\":\"e1\",\"object\":\"list\",\"data\":["
            + "{\"object\":\"embedding\",\"embedding\":[0.1,-0.2],\"index\":0},"
            + "{\"object\":\"embedding\",\"embedding\":[0.3,0.4],\"index\":1}],"
            + "\"model\":\"mistral-embed\",\"usage\":{\"prompt_tokens\":6,\"total_tokens\":6,\"completion_tokens\":0}}";
    private static final String OLLAMA_EMBEDDINGS = "{\"model\":\"nomic-embed-text\",\"embeddings\":[[0.5,-0.25],[1.5,2.0]],"
            + "\"total_duration\":14143917,\"load_duration\":1019500,\"prompt_eval_count\":8}";
    /** Codestral answers fill-in-the-middle in the chat shape. */
    private static final String CODESTRAL = "{\"id\":\"f1\",\"object\":\"chat.completion\",\"created\":1702256327,"
            + "\"model\":\"codestral-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"    return a + b\\n\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        upstream.reply("/v1/embeddings", Reply.json(200, MISTRAL_EMBEDDINGS));
        upstream.reply("/embeddings", Reply.json(200, MISTRAL_EMBEDDINGS));
        upstream.reply("/api/embed", Reply.json(200, OLLAMA_EMBEDDINGS));
        upstream.reply("/v1/fim/completions", Reply.json(200, CODESTRAL));
    }

    private static Response post(String path, String body) {
        return given().contentType("application/json").body(body).when().post(path);
    }

    @Test
    void mistralCloudEmbeddingsGetMistralsNames() {
        post("/mistral-embeddings", "{\"model\":\"mistral-embed\",\"input\":[\"first\",\"second\"],\"dimensions\":256,"
                + "\"encoding_format\":\"float\",\"user\":\"u-1\"}")
                .then().statusCode(200)
                .header("X-AI-Proxy-Model", "mistral/mistral-embed")
                .body("object", equalTo("list"))
                .body("data[1].embedding[0]", equalTo(0.3f))
                .body("usage.prompt_tokens", equalTo(6));

        mistral.assertAllValid();
        FakeUpstream.Received sent = upstream.only();
        assertEquals("Bearer cloud-key", sent.header("Authorization"));
        assertSameJson("{\"model\":\"mistral-embed\",\"input\":[\"first\",\"second\"],\"output_dimension\":256,"
                + "\"encoding_format\":\"float\"}", sent.bodyText());
    }

    @Test
    void withoutModelNameTheRouteTakesTheClientsAndAStringInput() {
        post("/ollama-embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"one text\",\"dimensions\":2}")
                .then().statusCode(200)
                .body("object", equalTo("list"))
                .body("model", equalTo("nomic-embed-text"))
                .body("data[0].object", equalTo("embedding"))
                .body("data[0].index", equalTo(0))
                .body("data[1].index", equalTo(1))
                .body("data[1].embedding[1]", equalTo(2.0f))
                .body("usage.prompt_tokens", equalTo(8))
                .body("usage.total_tokens", equalTo(8));

        assertSameJson("{\"model\":\"nomic-embed-text\",\"input\":\"one text\",\"dimensions\":2,\"keep_alive\":\"5m\"}",
                upstream.only().bodyText());
    }

    @Test
    void ollamaEmbeddingsInBase64AsTheNodeSdkAsksByDefault() {
        JsonNode answer = post("/ollama-embeddings", "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b\"],"
                + "\"encoding_format\":\"base64\"}").then().statusCode(200).extract().as(JsonNode.class);

        ByteBuffer floats = ByteBuffer.wrap(Base64.getDecoder().decode(answer.at("/data/0/embedding").textValue()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.5f, floats.getFloat());
        assertEquals(-0.25f, floats.getFloat());
        assertEquals(0, floats.remaining());
        assertTrue(tree(upstream.only().bodyText()).path("encoding_format").isMissingNode(), "Ollama has no such field");
    }

    @Test
    void aSelfHostedServerGetsTheEmbeddingsRequestAsSent() {
        String request = "{\"model\":\"local\",\"input\":[[1,2,3]],\"dimensions\":64,\"user\":\"u\"}";
        post("/gguf-embeddings", request).then().statusCode(200).body("data[0].index", equalTo(0));

        assertEquals(tree(request), tree(upstream.only().bodyText()));
    }

    @Test
    void embeddingsFollowKongsRules() {
        post("/mistral-embeddings", "{\"model\":\"mistral-embed\"}").then().statusCode(400)
                .body("error.message", startsWith("request body doesn't contain valid prompts"));
        post("/mistral-embeddings", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").then().statusCode(400)
                .body("error.message", equalTo("[llm/v1/chat] message format is not compatible with "
                        + "[llm/v1/embeddings] route type"));
        post("/codestral", "{\"input\":\"hi\"}").then().statusCode(400)
                .body("error.message", equalTo("[llm/v1/embeddings] message format is not compatible with "
                        + "[llm/v1/completions] route type"));
        post("/mistral-embeddings", "{\"input\":\"hi\",\"prompt\":\"hi\"}").then().statusCode(400)
                .body("error.message", equalTo("request matches multiple LLM request formats"));
        post("/mistral-embeddings", "{\"model\":\"other\",\"input\":\"hi\"}").then().statusCode(400)
                .body("error.message", equalTo("cannot use own model - must be: mistral-embed"));
        post("/mistral-embeddings", "{\"input\":\"hi\",\"stream\":true}").then().statusCode(400)
                .body("error.message", equalTo("[llm/v1/embeddings] answers do not stream: leave 'stream' out"));
        post("/mistral-embeddings", "{\"input\":[[1,2]]}").then().statusCode(400)
                .body("error.message", startsWith("'input' must be a string or an array of strings for Mistral's"));

        assertTrue(upstream.received().isEmpty(), "nothing went upstream");
    }

    @Test
    void fillInTheMiddleGoesToCodestralAndComesBackAsATextCompletion() {
        post("/codestral",
                "{\"model\":\"codestral-latest\",\"prompt\":\"def add(a, b):\\n\",\"suffix\":\"\\nprint(add(1, 2))\","
                        + "\"max_tokens\":64,\"temperature\":0,\"seed\":1,\"stop\":[\"\\n\\n\"],\"n\":1,\"echo\":false,"
                        + "\"logprobs\":null,\"user\":\"u-1\",\"stream\":false}")
                .then().statusCode(200)
                .body("object", equalTo("text_completion"))
                .body("id", equalTo("f1"))
                .body("created", equalTo(1702256327))
                .body("choices[0].text", equalTo("    return a + b\n"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.total_tokens", equalTo(19));

        mistral.assertAllValid();
        assertSameJson("{\"model\":\"codestral-latest\",\"prompt\":\"def add(a, b):\\n\",\"suffix\":\"\\nprint(add(1, 2))\","
                + "\"max_tokens\":64,\"temperature\":0,\"random_seed\":1,\"stop\":[\"\\n\\n\"],\"stream\":false}",
                upstream.only().bodyText());
    }

    @Test
    void streamedFillInTheMiddleArrivesAsTextCompletionChunks() {
        String head = "data: {\"id\":\"f2\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"codestral-latest\","
                + "\"choices\":[{\"index\":0,\"delta\":";
        upstream.reply("/v1/fim/completions", Reply.stream("text/event-stream", Duration.ZERO, Reply.piecesOf(
                head + "{\"role\":\"assistant\",\"content\":\"    return\"},\"finish_reason\":null}]}\n\n"
                        + head + "{\"content\":\" a + b\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}\n\n"
                        + "data: [DONE]\n\n",
                29)));

        String body = post("/codestral", "{\"prompt\":\"def add(a, b):\\n\",\"suffix\":\"\\n\",\"stream\":true}")
                .then().statusCode(200).extract().asString();

        mistral.assertAllValid();
        List<String> events = SseBody.data(body);
        assertEquals(3, events.size(), body);
        assertSameJson("{\"id\":\"f2\",\"object\":\"text_completion\",\"created\":5,\"model\":\"codestral-latest\","
                + "\"choices\":[{\"index\":0,\"text\":\"    return\",\"logprobs\":null,\"finish_reason\":null}]}",
                events.get(0));
        assertSameJson("{\"id\":\"f2\",\"object\":\"text_completion\",\"created\":5,\"model\":\"codestral-latest\","
                + "\"choices\":[{\"index\":0,\"text\":\" a + b\",\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}", events.get(1));
        assertEquals("[DONE]", events.get(2));
        assertTrue(tree(upstream.only().bodyText()).get("stream").asBoolean());
    }

    @Test
    void fillInTheMiddleToOllamaAndToASelfHostedServer() {
        upstream.reply("/api/generate", Reply.json(200, "{\"model\":\"codestral\",\"created_at\":\"2024-01-15T08:13:38Z\","
                + "\"response\":\"return a + b\",\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":9,\"eval_count\":5}"));
        post("/ollama-completions", "{\"prompt\":\"def add(a, b):\",\"suffix\":\"print(add(1, 2))\",\"max_tokens\":32}")
                .then().statusCode(200).body("object", equalTo("text_completion"))
                .body("choices[0].text", equalTo("return a + b"));
        assertSameJson("{\"model\":\"codestral\",\"prompt\":\"def add(a, b):\",\"suffix\":\"print(add(1, 2))\","
                + "\"stream\":false,\"options\":{\"num_predict\":32}}", upstream.only().bodyText());

        upstream.reset();
        upstream.reply("/completions", Reply.json(200, "{\"id\":\"c\",\"object\":\"text_completion\",\"created\":1,"
                + "\"model\":\"local\",\"choices\":[{\"index\":0,\"text\":\"return a + b\",\"finish_reason\":\"stop\"}]}"));
        String request = "{\"model\":\"local\",\"prompt\":\"def add(a, b):\",\"suffix\":\"print(add(1, 2))\",\"seed\":3}";
        post("/gguf-completions", request).then().statusCode(200).body("choices[0].text", equalTo("return a + b"));
        assertSameJson("{\"model\":\"local\",\"prompt\":\"def add(a, b):\",\"suffix\":\"print(add(1, 2))\",\"seed\":3,"
                + "\"stream\":false}", upstream.only().bodyText());
    }

    @Test
    void fillInTheMiddleRefusesWhatCodestralCannotDo() {
        post("/codestral", "{\"prompt\":\"def\",\"n\":2}").then().statusCode(400)
                .body("error.message", startsWith("'n' must be 1 for Mistral's fill-in-the-middle"));
        post("/codestral", "{\"prompt\":\"def\",\"suffix\":\"x\",\"temperature\":1.8}").then().statusCode(200);
        mistral.assertAllValid();
        assertEquals(1.5, tree(upstream.only().bodyText()).get("temperature").asDouble());
    }

    @Test
    void embeddingsAnswersAreCheckedLikeOthers() {
        upstream.reply("/v1/embeddings", Reply.json(200, "{\"choices\":[]}"));
        post("/mistral-embeddings", "{\"input\":\"hi\"}").then().statusCode(500)
                .body("error.message", equalTo("transformation failed from type mistral://llm/v1/embeddings: "
                        + "'data' not in llm/v1/embeddings response"));
        upstream.reply("/api/embed", Reply.json(200, "{\"model\":\"m\"}"));
        post("/ollama-embeddings", "{\"model\":\"m\",\"input\":\"hi\"}").then().statusCode(500)
                .body("error.message", equalTo("transformation failed from type mistral://llm/v1/embeddings/ollama: "
                        + "'embeddings' not in llm/v1/embeddings response"));
        assertTrue(new String(upstream.received().get(0).body(), StandardCharsets.UTF_8).contains("\"input\":\"hi\""));
    }
}
