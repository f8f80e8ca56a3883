package dev.mistralgateway.testing.mistral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.standin.MistralContract;
import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;

/** The Mistral stand-in can fail: bodies Mistral refuses are refused, bodies it takes are taken. */
class MistralContractTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A chat body around these messages, with the model every case uses. */
    private static String chat(String messages, String more) {
        return "{\"model\":\"mistral-small-latest\",\"messages\":[" + messages + "]" + more + "}";
    }

    private static final String USER = "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}";

    private static List<String> chatViolations(String body) {
        return MistralSpec.contract().violations(CHAT, body);
    }

    private static void valid(String path, String body) {
        List<String> found = MistralSpec.contract().violations(path, body);
        assertEquals(List.of(), found, body);
    }

    /** Refused, with a problem at that path whose message holds that text. */
    private static void refused(String path, String body, String jsonPath, String messagePart) {
        List<String> found = MistralSpec.contract().violations(path, body);
        assertTrue(found.stream().anyMatch(v -> v.startsWith(jsonPath + ": ") && v.contains(messagePart)),
                "expected a violation at " + jsonPath + " mentioning '" + messagePart + "' in " + found);
    }

    @Test
    void aMinimalChatBodyPasses() {
        valid(CHAT, chat(USER, ""));
    }

    @Test
    void kongsExpectedMistralChatBodyPasses() {
        // system, user, assistant, user, assistant, user; model, max_tokens, stream, temperature 0.5
        valid(CHAT, Fixtures.kong("unit/expected-requests/mistral/openai/llm-v1-chat.json"));
    }

    @Test
    void anUpstreamUrlWithAPrefixIsStillMistralsChat() {
        valid("/a/v1/chat/completions", chat(USER, ""));
        refused("/a/v1/chat/completions", chat(USER, ",\"foo\":1"), "$.foo", "not defined");
        assertThrows(IllegalArgumentException.class, () -> MistralSpec.contract().violations("/v1/completions", "{}"));
    }

    @Test
    void anUnknownTopLevelFieldFails() {
        refused(CHAT, chat(USER, ",\"stream_options\":{\"include_usage\":true}"), "$.stream_options",
                "does not allow additional properties");
    }

    @Test
    void aNullTopPFails() {
        refused(CHAT, chat(USER, ",\"top_p\":null"), "$.top_p", "null found, number expected");
    }

    @Test
    void aUserMessageWithANameFails() {
        List<String> found = chatViolations(chat("{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ada\"}", ""));
        // only the real problem, not the union's "0 alternatives matched" that restates it
        assertEquals(1, found.size(), found.toString());
        refused(CHAT, chat("{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ada\"}", ""), "$.messages[0].name",
                "does not allow additional properties");
    }

    @Test
    void anAssistantMessageWithANullRefusalFails() {
        refused(CHAT, chat(USER + ",{\"role\":\"assistant\",\"content\":\"Sunny.\",\"refusal\":null}," + USER, ""),
                "$.messages[1].refusal", "does not allow additional properties");
    }

    @Test
    void aTemperatureAboveMistralsMaximumFails() {
        List<String> found = chatViolations(chat(USER, ",\"temperature\":1.8"));
        assertEquals(List.of("$.temperature: must have a maximum value of 1.5"), found);
        valid(CHAT, chat(USER, ",\"temperature\":1.5"));
    }

    @Test
    void aReasoningEffortMistralDoesNotHaveFails() {
        refused(CHAT, chat(USER, ",\"reasoning_effort\":\"low\""), "$.reasoning_effort", "enumeration");
        valid(CHAT, chat(USER, ",\"reasoning_effort\":\"high\""));
    }

    @Test
    void anOpenAiStyleToolCallIdFails() {
        String body = chat(USER + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_abc123xyz\","
                + "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]}"
                + ",{\"role\":\"tool\",\"tool_call_id\":\"call_abc123xyz\",\"content\":\"22C\"}", "");
        List<String> found = chatViolations(body);
        assertEquals(List.of(
                "$.messages[1].tool_calls[0].id: Tool call id was call_abc123xyz but must be a-z, A-Z, 0-9, with a length of 9.",
                "$.messages[2].tool_call_id: Tool call id was call_abc123xyz but must be a-z, A-Z, 0-9, with a length of 9."),
                found);
    }

    @Test
    void aToolMessageAnsweringAnUnknownIdFails() {
        String body = chat(USER + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"D681PevKs\","
                + "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]}"
                + ",{\"role\":\"tool\",\"tool_call_id\":\"Zz9Zz9Zz9\",\"content\":\"22C\"}", "");
        refused(CHAT, body, "$.messages[2].tool_call_id", "no earlier assistant message");
    }

    @Test
    void aToolMessageAnsweringALaterCallFails() {
        String body = chat(USER + ",{\"role\":\"tool\",\"tool_call_id\":\"D681PevKs\",\"content\":\"22C\"}"
                + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"D681PevKs\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":{}}}]}," + USER, "");
        refused(CHAT, body, "$.messages[1].tool_call_id", "no earlier assistant message");
    }

    @Test
    void aTrailingAssistantMessageNeedsPrefix() {
        String answer = "{\"role\":\"assistant\",\"content\":\"It is\"";
        refused(CHAT, chat(USER + "," + answer + "}", ""), "$.messages[1]",
                "Expected last role User or Tool (or Assistant with prefix True) for serving but got assistant");
        valid(CHAT, chat(USER + "," + answer + ",\"prefix\":true}", ""));
        refused(CHAT, chat("{\"role\":\"system\",\"content\":\"Be brief.\"}", ""), "$.messages[0]", "but got system");
    }

    private static final String TOOL_TURN = ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"D681PevKs\","
            + "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"D681PevKs\",\"content\":\"22C\"}";

    @Test
    void aUserMessageRightAfterAToolMessageFails() {
        // Mistral's own words (code 3230), reported against api.mistral.ai up to December 2025
        refused(CHAT, chat(USER + TOOL_TURN + "," + USER, ""), "$.messages[3]", "Unexpected role 'user' after role 'tool'");
        valid(CHAT, chat(USER + TOOL_TURN + ",{\"role\":\"assistant\",\"content\":\"Sunny.\"}," + USER, ""));
    }

    @Test
    void aSystemMessageAfterAnAssistantOrToolMessageFails() {
        String system = "{\"role\":\"system\",\"content\":\"Answer in French.\"}";
        refused(CHAT, chat(USER + ",{\"role\":\"assistant\",\"content\":\"Sunny.\"}," + system + "," + USER, ""),
                "$.messages[2]", "Unexpected role 'system' after role 'assistant'");
        refused(CHAT, chat(USER + TOOL_TURN + "," + system + "," + USER, ""), "$.messages[3]",
                "Unexpected role 'system' after role 'tool'");
        valid(CHAT, chat(system + "," + system + "," + USER + "," + system + "," + USER, ""));
    }

    @Test
    void anAssistantMessageWithNeitherContentNorToolCallsFails() {
        refused(CHAT, chat(USER + ",{\"role\":\"assistant\",\"content\":\"\"}," + USER, ""), "$.messages[1]",
                "Assistant message must have either content or tool_calls");
        refused(CHAT, chat(USER + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}," + USER, ""),
                "$.messages[1]", "Assistant message must have either content or tool_calls");
    }

    @Test
    void theReasoningPromptModeFails() {
        // Mistral's answer on every model since reasoning_effort came (code 3051)
        refused(CHAT, chat(USER, ",\"prompt_mode\":\"reasoning\""), "$.prompt_mode",
                "Reasoning prompt mode is not enabled for this model");
        valid(CHAT, chat(USER, ",\"reasoning_effort\":\"high\""));
    }

    @Test
    void aThinkingChunkReplayedInTheHistoryPasses() {
        valid(CHAT, chat(USER + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":"
                + "[{\"type\":\"text\",\"text\":\"Paris is sunny in June.\"}],\"closed\":true},"
                + "{\"type\":\"text\",\"text\":\"Sunny.\"}]}," + USER, ""));
    }

    @Test
    void aToolCallRoundTripWithNineCharacterIdsPasses() {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"description\":\"Weather in a city\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}],\"tool_choice\":\"auto\"";
        String body = chat("{\"role\":\"system\",\"content\":\"Be brief.\"}," + USER
                + ",{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}"
                + ",{\"role\":\"tool\",\"tool_call_id\":\"D681PevKs\",\"name\":\"weather\",\"content\":\"22C, sunny\"}",
                tools + ",\"temperature\":0.3,\"max_tokens\":100,\"stream\":true");
        valid(CHAT, body);
    }

    @Test
    void validFimAndEmbeddingBodiesPass() {
        valid("/v1/fim/completions",
                "{\"model\":\"codestral-latest\",\"prompt\":\"def add(a, b):\",\"suffix\":\"print(add(1, 2))\","
                        + "\"max_tokens\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"]}");
        valid("/v1/embeddings", "{\"model\":\"mistral-embed\",\"input\":[\"Embed this.\",\"And this.\"]}");
        refused("/v1/embeddings", "{\"model\":\"mistral-embed\",\"input\":\"x\",\"user\":\"u1\"}", "$.user",
                "does not allow additional properties");
        refused("/v1/fim/completions", "{\"model\":\"codestral-latest\"}", "$.prompt", "required");
    }

    @Test
    void formatsAreChecked() {
        String file = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Summarise\"},"
                + "{\"type\":\"file\",\"file_id\":\"%s\"}]}";
        valid(CHAT, chat(file.formatted("123e4567-e89b-12d3-a456-426614174000"), ""));
        refused(CHAT, chat(file.formatted("file-abc"), ""), "$.messages[0].content[1].file_id", "uuid");
    }

    @Test
    void aBodyThatIsNotJsonIsOneViolation() {
        assertEquals(1, chatViolations("{\"model\":").size());
        assertEquals(1, chatViolations("{} trailing").size());
        assertEquals(1, chatViolations("").size());
    }

    @Test
    void aSchemaRefusalIsMistrals422() throws Exception {
        MistralCloud cloud = new MistralCloud();
        String body = chat(USER + ",{\"role\":\"assistant\",\"content\":\"Sunny.\",\"refusal\":null}," + USER,
                ",\"top_p\":null");
        Reply reply = cloud.validating(Reply.json(200, "{}")).apply(received("/a/v1/chat/completions", body));

        assertEquals(422, reply.status());
        assertEquals("application/json", reply.headers().get("Content-Type"));
        // Mistral's own 422 shape, one detail entry per problem
        assertEquals(JSON.readTree("""
                {"object":"error",
                 "message":{"detail":[
                   {"type":"float_type","loc":["body","top_p"],"msg":"null found, number expected","input":null},
                   {"type":"extra_forbidden","loc":["body","messages",1,"refusal"],
                    "msg":"property 'refusal' is not defined in the schema and the schema does not allow additional properties",
                    "input":null}]},
                 "type":"invalid_request_message_error","param":null,"code":null}
                """), JSON.readTree(reply.body()));
        assertEquals(2, cloud.allViolations().size());
        assertTrue(cloud.allViolations().get(0).startsWith("POST /a/v1/chat/completions $."), cloud.allViolations().toString());
        assertThrows(AssertionError.class, cloud::assertAllValid);
    }

    @Test
    void aServerRuleRefusalIsMistrals400() throws Exception {
        MistralCloud cloud = new MistralCloud();
        Reply reply = cloud.validating(Reply.json(200, "{}"))
                .apply(received(CHAT, chat(USER + ",{\"role\":\"assistant\",\"content\":\"Sunny.\"}", "")));

        assertEquals(400, reply.status());
        assertEquals(JSON.readTree("""
                {"object":"error",
                 "message":"Expected last role User or Tool (or Assistant with prefix True) for serving but got assistant",
                 "type":"invalid_request_message_order","param":null,"code":null}
                """), JSON.readTree(reply.body()));
    }

    @Test
    void aGoodBodyGetsTheScriptedAnswerAndOtherPathsAreNotChecked() {
        MistralCloud cloud = new MistralCloud();
        Reply scripted = Reply.json(200, "{\"ok\":true}");
        assertEquals(scripted, cloud.validating(scripted).apply(received(CHAT, chat(USER, ""))));
        assertEquals(scripted, cloud.validating(scripted).apply(received("/api/chat", "{\"not\":\"mistral\"}")));
        assertEquals(1, cloud.checked());
        cloud.assertAllValid();
    }

    @Test
    void aGuardedFakeUpstreamRefusesOverHttpAndRecords() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream()) {
            MistralCloud mistral = MistralCloud.guard(upstream);
            upstream.reply(CHAT, Reply.json(200, "{\"ok\":true}"));
            HttpClient client = HttpClient.newHttpClient();

            assertEquals(200, post(client, upstream.url(CHAT), chat(USER, "")).statusCode());
            var refused = post(client, upstream.url(CHAT), chat(USER, ",\"top_k\":5"));
            assertEquals(422, refused.statusCode());
            assertEquals("extra_forbidden", JSON.readTree(refused.body()).at("/message/detail/0/type").asText());
            assertEquals(List.of("POST " + CHAT + " $.top_k: property 'top_k' is not defined in the schema and the schema"
                    + " does not allow additional properties"), mistral.allViolations());
            assertEquals(2, mistral.checked());

            upstream.reset(); // removes the gate
            assertEquals(404, post(client, upstream.url(CHAT), chat(USER, ",\"top_k\":5")).statusCode());
            assertEquals(2, mistral.checked());
        }
    }

    @Test
    void theSpecIsLoadedOnce() {
        MistralContract first = MistralSpec.contract();
        chatViolations(chat(USER, ""));
        assertSame(first, MistralSpec.contract());
        System.out.println("Mistral spec loaded and compiled in " + first.loadMillis() + " ms");
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body)
            throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Received received(String path, String body) {
        return new Received("POST", path, null, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }
}
