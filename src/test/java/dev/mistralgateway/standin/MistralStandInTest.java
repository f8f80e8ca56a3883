package dev.mistralgateway.standin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.SseBody;
import dev.mistralgateway.testing.mistral.MistralSpec;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Dev mode's first command without a key, through the Lambda handler: the dev routes of
 * {@code application.properties} (this test runs with the {@code dev} configuration profile) served
 * by Mistral's stand-in, which {@code mistral-stand-in.mode=on} turns on here even when the machine
 * has a {@code MISTRAL_API_KEY} (dev mode's {@code auto} would then use Mistral.ai). The seed's
 * request, whole and streamed, Codestral's fill-in-the-middle, and a body Mistral refuses.
 */
@QuarkusTest
@TestProfile(MistralStandInTest.DevRoutes.class)
class MistralStandInTest {

    public static class DevRoutes implements QuarkusTestProfile {

        @Override
        public String getConfigProfile() {
            return "dev";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(MistralStandInSource.MODE, "on");
        }
    }

    /** The README's curl. */
    private static final String SEED = """
            { "messages": [ { "role": "system", "content": "You are a mathematician" }, { "role": "user", "content": "What is 1+1?"} ] }""";

    private static Response post(String path, String body) {
        return given().contentType("application/json").body(body).when().post(path);
    }

    /** No problem against the named schema of Mistral's spec. */
    private static void fits(String schema, JsonNode value) {
        assertEquals(List.of(), MistralSpec.contract().checkAgainst(schema, value), schema + ": " + value);
    }

    @Test
    void theSeedsCurlGetsAnAnswerSayingWhereItComesFrom() {
        Response response = post("/mistral-chat", SEED);

        assertEquals(200, response.statusCode(), response.asString());
        assertEquals(MistralStandIn.HEADER_VALUE, response.header(MistralStandIn.HEADER));
        assertEquals("mistral/mistral-tiny", response.header("X-AI-Proxy-Model"));
        JsonNode answer = Json.tree(response.asString());
        assertEquals("chat.completion", answer.path("object").asText());
        assertEquals("mistral-tiny", answer.path("model").asText());
        assertEquals(32, answer.path("id").asText().length());
        fits("ChatCompletionChoice", answer.path("choices").path(0));
        fits("UsageInfo", answer.path("usage"));
        // what the stand-in received: the route's model and the curl's two messages, checked
        String content = answer.at("/choices/0/message/content").asText();
        assertTrue(content.contains("not from a model"), content);
        assertTrue(content.contains("Mistral's published schema accepts your request (model mistral-tiny, 2 messages, "
                + "the last from user)"), content);
        JsonNode usage = answer.path("usage");
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(),
                usage.path("total_tokens").asInt());
    }

    @Test
    void theSeedsRequestStreamedComesAsMistralsChunks() {
        Response response = post("/mistral-chat", SEED.replace("{ \"messages\"", "{ \"stream\": true, \"messages\""));

        assertEquals(200, response.statusCode(), response.asString());
        assertTrue(response.contentType().startsWith("text/event-stream"), response.contentType());
        assertEquals(MistralStandIn.HEADER_VALUE, response.header(MistralStandIn.HEADER));
        List<String> events = SseBody.data(response.asString());
        assertEquals("[DONE]", events.get(events.size() - 1));
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Json::tree).toList();
        assertTrue(chunks.size() > 3, "streamed in several events: " + events);
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            fits("CompletionChunk", chunk);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals(chunks.get(0).path("id"), chunk.path("id"));
            text.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertTrue(last.path("usage").path("total_tokens").asInt() > 0, last.toString());
        assertTrue(text.toString().contains("(model mistral-tiny, 2 messages, the last from user)"), text.toString());
    }

    @Test
    void codestralsFillInTheMiddleIsAnsweredToo() {
        Response response = post("/mistral-completions", "{\"prompt\":\"def add(a, b):\",\"suffix\":\"print(add(1, 2))\"}");

        assertEquals(200, response.statusCode(), response.asString());
        assertEquals(MistralStandIn.HEADER_VALUE, response.header(MistralStandIn.HEADER));
        JsonNode answer = Json.tree(response.asString());
        // the gateway turns Codestral's chat-shaped answer into OpenAI's text_completion
        assertEquals("text_completion", answer.path("object").asText());
        assertTrue(answer.at("/choices/0/text").asText()
                .contains("(model codestral-latest, a prompt of 14 characters, a suffix of 16 characters)"),
                answer.toString());
    }

    @Test
    void aBodyMistralWouldRefuseIsRefusedInMistralsWords() {
        // a field neither OpenAI's nor Mistral's passes the gateway and reaches the stand-in, which refuses it
        Response response = post("/mistral-chat", SEED.replace("{ \"messages\"", "{ \"frobnicate\": 1, \"messages\""));

        assertEquals(422, response.statusCode(), response.asString());
        assertEquals(MistralStandIn.HEADER_VALUE, response.header(MistralStandIn.HEADER));
        JsonNode error = Json.tree(response.asString()).path("error");
        assertTrue(error.path("message").asText().startsWith("frobnicate: "), error.toString());
        assertTrue(error.path("message").asText().contains("not defined in the schema"), error.toString());
        assertEquals("frobnicate", error.path("param").asText());
    }
}
