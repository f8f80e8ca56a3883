package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Json.tree;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

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
 * Mistral's API as it answers in 2026, through the Lambda handler to a stand-in that checks every
 * body against Mistral's spec and its server rules ({@link MistralCloud}): message order, reasoning
 * replayed, {@code prompt_mode}, a prefix's echo, legacy functions, fields Mistral cannot honour,
 * and events read as JSON whatever their spacing.
 */
@QuarkusTest
@QuarkusTestResource(value = MistralIn2026Test.Routes.class, restrictToAnnotatedClass = true)
class MistralIn2026Test {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String mistral = upstream.url("/v1/chat/completions");
            return new GatewaySettings()
                    .route(0, "/mistral-cloud", "llm/v1/chat", "openai", mistral)
                    .mistralCloud(0, 0, "mistral-small-latest")
                    .route(1, "/mistral-drop", "llm/v1/chat", "openai", mistral)
                    .mistralCloud(1, 0, "mistral-small-latest")
                    .target(1, "model.options.drop-unsupported", "true")
                    .route(2, "/self-hosted", "llm/v1/chat", "openai", upstream.url("/gguf/chat"))
                    .target(2, "model.name", "mistral-7b")
                    .build();
        }
    }

    private static final String HEAD = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        answer("Hi!");
    }

    /** Mistral's answer, whole or streamed (two content events), as the request asks. */
    private void answer(String content) {
        String half = content.substring(0, content.length() / 2);
        String rest = content.substring(content.length() / 2);
        String stream = "data: " + HEAD + "{\"role\":\"assistant\",\"content\":" + quoted(half)
                + "},\"finish_reason\":null}]}\n\n"
                + "data: " + HEAD + "{\"content\":" + quoted(rest) + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
                + "data: [DONE]\n\n";
        answerWith(wholeAnswer("{\"role\":\"assistant\",\"content\":" + quoted(content) + "}", "stop"), stream);
    }

    private void answerWith(String whole, String stream) {
        upstream.reply("/v1/chat/completions", request -> tree(request.bodyText()).path("stream").asBoolean(false)
                ? Reply.stream("text/event-stream", Duration.ZERO, Reply.piecesOf(stream, 29))
                : Reply.json(200, whole));
    }

    private static String wholeAnswer(String message, String finish) {
        return "{\"id\":\"m1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mistral-small-latest\","
                + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + finish + "\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":9,\"total_tokens\":18}}";
    }

    private static String quoted(String text) {
        return TextNode.valueOf(text).toString();
    }

    private static String streamed(String body) {
        ObjectNode request = (ObjectNode) tree(body);
        request.put("stream", true);
        return request.toString();
    }

    private JsonNode sent(int i) {
        return tree(upstream.received().get(i).bodyText());
    }

    /** The content a streaming client puts together from the events' deltas. */
    private static String streamedContent(String events) {
        StringBuilder content = new StringBuilder();
        for (String data : SseBody.data(events)) {
            if (!data.equals("[DONE]")) {
                content.append(tree(data).at("/choices/0/delta/content").asText(""));
            }
        }
        return content.toString();
    }

    /** Sent whole and streamed: both answered 200 and both bodies valid for Mistral. */
    private void bothAnswered(String path, String body) {
        Response whole = post(path, body);
        assertEquals(200, whole.statusCode(), whole.asString());
        Response stream = post(path, streamed(body));
        assertEquals(200, stream.statusCode(), stream.asString());
        mistral.assertAllValid();
    }

    // ---- 1. message order

    @Test
    void aUserQuestionAfterAToolTurnReachesMistralWithTheAssistantsTurnBetween() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"D681PevKs\",\"content\":\"18C\"},"
                + "{\"role\":\"user\",\"content\":\"And tomorrow?\"}]}";

        bothAnswered("/mistral-cloud", body);

        JsonNode messages = sent(0).get("messages");
        assertEquals(5, messages.size(), messages.toString());
        assertEquals("tool", messages.get(2).get("role").textValue());
        assertEquals("assistant", messages.get(3).get("role").textValue());
        assertTrue(messages.get(3).get("content").asText().length() > 0, "Mistral takes no empty assistant turn");
        assertEquals("And tomorrow?", messages.get(4).get("content").textValue());
    }

    @Test
    void aDeveloperNoteMidConversationReachesMistralAsTheUsersWords() {
        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"},"
                + "{\"role\":\"developer\",\"content\":\"answer in French from now on\"},"
                + "{\"role\":\"user\",\"content\":\"how are you?\"}]}";

        bothAnswered("/mistral-cloud", body);

        JsonNode messages = sent(0).get("messages");
        assertEquals(5, messages.size());
        assertEquals("system", messages.get(0).get("role").textValue(), "a leading system message stays");
        assertEquals("user", messages.get(3).get("role").textValue());
        assertEquals("answer in French from now on", messages.get(3).get("content").textValue());
    }

    // ---- 2. reasoning replayed

    @Test
    void anAssistantsReasoningIsReplayedAsMistralsThinkingChunk() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},"
                + "{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"Two and two make four.\"},"
                + "{\"role\":\"user\",\"content\":\"times 3?\"}],\"reasoning_effort\":\"high\"}";

        bothAnswered("/mistral-cloud", body);

        JsonNode replayed = sent(0).at("/messages/1/content");
        assertEquals(tree("[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"Two and two make four.\"}],"
                + "\"closed\":true},{\"type\":\"text\",\"text\":\"4\"}]"), replayed);
        // a self-hosted server (llama.cpp reads reasoning_content) gets the history as the client sent it
        upstream.reply("/gguf/chat", Reply.json(200, wholeAnswer("{\"role\":\"assistant\",\"content\":\"12\"}",
                "stop")));
        post("/self-hosted", body).then().statusCode(200);
        assertEquals("Two and two make four.", sent(2).at("/messages/1/reasoning_content").textValue());
    }

    // ---- 3. prompt_mode

    @Test
    void promptModeReasoningBecomesReasoningEffort() {
        bothAnswered("/mistral-cloud",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}],\"prompt_mode\":\"reasoning\"}");
        assertFalse(sent(0).has("prompt_mode"));
        assertEquals("high", sent(0).get("reasoning_effort").textValue());

        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}],\"prompt_mode\":\"reasoning\","
                + "\"reasoning_effort\":\"none\"}").then().statusCode(200);
        assertFalse(sent(2).has("prompt_mode"));
        assertEquals("none", sent(2).get("reasoning_effort").textValue(), "the client's own effort wins");
        mistral.assertAllValid();
    }

    // ---- 5. the prefix's echo

    @Test
    void theClientGetsOnlyTheContinuationOfItsTrailingAssistantMessage() {
        answer("Autumn moonlight - a worm digs silently into the chestnut.");
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"A haiku on autumn\"},"
                + "{\"role\":\"assistant\",\"content\":\"Autumn moonlight -\"}]}";

        post("/mistral-cloud", body).then().statusCode(200)
                .body("choices[0].message.content", equalTo(" a worm digs silently into the chestnut."));
        String events = post("/mistral-cloud", streamed(body)).then().statusCode(200).extract().asString();

        assertEquals(" a worm digs silently into the chestnut.", streamedContent(events));
        assertEquals("[DONE]", SseBody.data(events).get(SseBody.data(events).size() - 1));
        mistral.assertAllValid();
        assertTrue(sent(0).at("/messages/1/prefix").asBoolean());
    }

    @Test
    void anAnswerThatDoesNotRepeatThePrefixComesBackWhole() {
        // the answer's start matches the prefix for a while, then departs from it
        answer("Autumn moon, a quiet pond.");
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"A haiku on autumn\"},"
                + "{\"role\":\"assistant\",\"content\":\"Autumn moonlight -\"}]}";
        post("/mistral-cloud", body).then().statusCode(200)
                .body("choices[0].message.content", equalTo("Autumn moon, a quiet pond."));
        assertEquals("Autumn moon, a quiet pond.", streamedContent(post("/mistral-cloud", streamed(body)).asString()));
    }

    // ---- 6. nothing vanishes silently

    @Test
    void legacyFunctionsGoAsToolsAndTheAnswerComesBackAsAFunctionCall() {
        String call = "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},\"index\":0}]}";
        String stream = "data: " + HEAD + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"D681PevKs\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                + "\"index\":0}]},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n";
        answerWith(wholeAnswer(call, "tool_calls"), stream);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],"
                + "\"functions\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":"
                + "{\"city\":{\"type\":\"string\"}}}}],\"function_call\":{\"name\":\"get_weather\"}}";

        post("/mistral-cloud", body).then().statusCode(200)
                .body("choices[0].message.function_call.name", equalTo("get_weather"))
                .body("choices[0].message.function_call.arguments", equalTo("{\"city\":\"Paris\"}"))
                .body("choices[0].message.tool_calls", nullValue())
                .body("choices[0].finish_reason", equalTo("function_call"));
        List<String> events = SseBody.data(post("/mistral-cloud", streamed(body)).asString());
        JsonNode delta = tree(events.get(0)).at("/choices/0/delta");
        assertEquals("get_weather", delta.at("/function_call/name").textValue());
        assertFalse(delta.has("tool_calls"));
        assertEquals("function_call", tree(events.get(0)).at("/choices/0/finish_reason").textValue());

        mistral.assertAllValid();
        assertEquals("get_weather", sent(0).at("/tools/0/function/name").textValue());
        assertEquals("function", sent(0).at("/tool_choice/type").textValue());
        assertEquals("get_weather", sent(0).at("/tool_choice/function/name").textValue());
    }

    @Test
    void aLegacyFunctionTurnInTheHistoryGoesAsAToolTurn() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"role\":\"function\",\"name\":\"get_weather\",\"content\":\"18C\"}],"
                + "\"functions\":[{\"name\":\"get_weather\"}]}";

        bothAnswered("/mistral-cloud", body);

        JsonNode messages = sent(0).get("messages");
        String id = messages.at("/1/tool_calls/0/id").textValue();
        assertTrue(id.matches("[a-zA-Z0-9]{9}"), id);
        assertEquals("get_weather", messages.at("/1/tool_calls/0/function/name").textValue());
        assertEquals("tool", messages.at("/2/role").textValue());
        assertEquals(id, messages.at("/2/tool_call_id").textValue());
    }

    @Test
    void fieldsMistralCannotHonourAreRefusedByName() {
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":true,\"top_logprobs\":3}")
                .then().statusCode(400)
                .body("error.message", containsString("logprobs, top_logprobs"))
                .body("error.message", containsString("MODEL_OPTIONS_DROP_UNSUPPORTED"));
        post("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"modalities\":[\"text\",\"audio\"],"
                + "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}}")
                .then().statusCode(400)
                .body("error.message", containsString("modalities, audio"));
        assertTrue(upstream.received().isEmpty());

        // what asks for nothing Mistral lacks still goes
        bothAnswered("/mistral-cloud", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":false,"
                + "\"modalities\":[\"text\"]}");
    }

    @Test
    void aTargetThatDropsUnsupportedFieldsSaysWhichInAHeader() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":true,\"top_logprobs\":3}";
        // one header, its values comma-separated (the Lambda response may carry them as separate values)
        Response whole = post("/mistral-drop", body);
        assertEquals(200, whole.statusCode(), whole.asString());
        assertEquals("logprobs, top_logprobs", String.join(", ", whole.headers().getValues("X-AI-Proxy-Dropped")));
        Response stream = post("/mistral-drop", streamed(body));
        assertEquals(200, stream.statusCode(), stream.asString());
        assertEquals("logprobs, top_logprobs", String.join(", ", stream.headers().getValues("X-AI-Proxy-Dropped")));
        post("/mistral-drop", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").then().statusCode(200)
                .header("X-AI-Proxy-Dropped", nullValue());

        mistral.assertAllValid();
        assertFalse(sent(0).has("logprobs") || sent(0).has("top_logprobs"));
    }

    @Test
    void thinkingPartsInASystemMessageReachMistral() {
        bothAnswered("/mistral-cloud",
                "{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Think first:\"},"
                        + "{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"a draft\"}]}]},"
                        + "{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("thinking", sent(0).at("/messages/0/content/1/type").textValue());
    }

    // ---- 7. events read as JSON

    @Test
    void aStreamedReasoningAnswerWithSpacesIsTranslatedAllTheSame() {
        String stream = "data: {\"id\": \"r1\", \"object\": \"chat.completion.chunk\", \"choices\": [{\"index\": 0, "
                + "\"delta\": {\"role\": \"assistant\", \"content\": [{\"type\": \"thinking\", \"thinking\": "
                + "[{\"type\": \"text\", \"text\": \"Two and two\"}]}]}, \"finish_reason\": null}]}\n\n"
                + "data: {\"id\": \"r1\", \"object\": \"chat.completion.chunk\", \"choices\": [{\"index\": 0, "
                + "\"delta\": {\"content\" :\ndata: [{\"type\": \"text\", \"text\": \"4\"}]}, \"finish_reason\": \"stop\"}], "
                + "\"usage\" : {\"prompt_tokens\": 3, \"completion_tokens\": 2, \"total_tokens\": 5}}\n\n"
                + "data: [DONE]\n\n";
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of(stream.getBytes(StandardCharsets.UTF_8))));

        List<String> events = SseBody.data(post("/mistral-cloud",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}").asString());

        assertEquals("Two and two", tree(events.get(0)).at("/choices/0/delta/reasoning_content").textValue());
        assertFalse(tree(events.get(0)).at("/choices/0/delta").has("content"));
        assertEquals("4", tree(events.get(1)).at("/choices/0/delta/content").textValue());
    }

    @Test
    void anErrorEventWithSpacesEndsTheStreamAsAFailure() {
        String stream = "data: " + HEAD + "{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
                + "data: { \"object\" : \"error\", \"message\": \"overloaded\", \"type\": \"service_unavailable\"}\n\n"
                + "data: [DONE]\n\n";
        int cut = stream.indexOf("data: {");
        cut = stream.indexOf("data: {", cut + 1);
        // the first event goes out before the error comes
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ofMillis(50),
                List.of(stream.substring(0, cut).getBytes(StandardCharsets.UTF_8),
                        stream.substring(cut).getBytes(StandardCharsets.UTF_8))));

        List<String> events = SseBody.data(post("/mistral-cloud",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").asString());

        assertEquals(2, events.size(), events.toString());
        assertEquals("the upstream's stream failed: overloaded", tree(events.get(1)).at("/error/message").textValue());
        assertNull(events.stream().filter("[DONE]"::equals).findAny().orElse(null), "no [DONE] after a failure");
    }
}
