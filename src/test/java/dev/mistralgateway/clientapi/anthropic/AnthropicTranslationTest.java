package dev.mistralgateway.clientapi.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.Json;

/** Anthropic's Messages API to and from the chat form, without Quarkus, against golden files. */
class AnthropicTranslationTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final AnthropicApi api = new AnthropicApi(mapper);

    @Test
    void aRequestWithEveryKindOfBlockBecomesTheChatRequestOfTheGoldenFile() {
        JsonNode chat = api.toChat(Json.tree(Fixtures.resource("anthropic/request-tools.json")));
        assertEquals(Json.tree(Fixtures.resource("anthropic/request-tools.chat.json")), chat, chat::toPrettyString);
    }

    @Test
    void aChatAnswerBecomesAnthropicsMessage() {
        JsonNode client = Json.tree(Fixtures.resource("anthropic/request-tools.json"));
        byte[] answer = api.fromChat(bytes(Fixtures.resource("anthropic/answer-tool.chat.json")), client, null);
        ObjectNode message = (ObjectNode) Json.tree(new String(answer, StandardCharsets.UTF_8));
        assertTrue(message.path("id").asText().matches("msg_[0-9a-f]{24}"), message::toString);
        message.put("id", "msg_ID");
        assertEquals(Json.tree(Fixtures.resource("anthropic/answer-tool.message.json")), message, message::toString);
    }

    @Test
    void chatStreamEventsBecomeAnthropicsEventsBlockByBlock() {
        JsonNode client = Json.tree(Fixtures.resource("anthropic/request-tools.json"));
        ObjectNode chat = (ObjectNode) api.toChat(client);
        var stream = api.stream(client, new ClientRequest(chat, RouteType.CHAT, "m", true));
        StringBuilder out = new StringBuilder();
        for (String event : Fixtures.resource("anthropic/stream-tool.chat.sse").split("(?<=\n\n)")) {
            out.append(new String(stream.next(bytes(event)), StandardCharsets.UTF_8));
        }
        out.append(new String(stream.end(), StandardCharsets.UTF_8));
        String expected = Fixtures.resource("anthropic/stream-tool.anthropic.sse")
                .replace("INPUT_ESTIMATE", String.valueOf(TokenEstimate.of(chat)));
        List<String[]> got = events(out.toString().replaceFirst("\"id\":\"msg_[0-9a-f]{24}\"", "\"id\":\"msg_ID\""));
        List<String[]> want = events(expected);
        assertEquals(want.size(), got.size(), out::toString);
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i)[0], got.get(i)[0], "event " + i);
            Json.assertSameJson(want.get(i)[1], got.get(i)[1]);
        }
    }

    @Test
    void aStreamThatFailsMidwayEndsWithAnthropicsErrorEventNotAStop() {
        var stream = api.stream(Json.tree("{\"model\":\"m\"}"), request());
        String out = text(stream.next(bytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"the upstream's stream failed: overloaded\",\"type\":\"api_error\"}}\n\n")))
                + text(stream.end());
        List<String[]> events = events(out);
        String[] last = events.get(events.size() - 1);
        assertEquals("error", last[0]);
        Json.assertSameJson("{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"the upstream's stream failed: overloaded\"}}", last[1]);
        assertFalse(out.contains("message_stop"), out);
    }

    @Test
    void aStreamThatStopsShortOfItsEndIsAFailureAndTheGatewaysTimeLimitATimeout() {
        var cut = api.stream(Json.tree("{\"model\":\"m\"}"), request());
        cut.next(bytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"));
        List<String[]> ended = events(text(cut.end()));
        assertEquals("error", ended.get(ended.size() - 1)[0]);

        var limited = api.stream(Json.tree("{\"model\":\"m\"}"), request());
        List<String[]> events = events(text(limited.next(bytes("data: {\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"Hi\"}}]}\n\ndata: {\"error\":{\"message\":\"cut\",\"type\":\"api_error\","
                + "\"code\":\"stream_time_limit\"}}\n\n"))));
        assertEquals("timeout_error", Json.tree(events.get(events.size() - 1)[1]).path("error").path("type").asText());
    }

    @Test
    void serverToolsAreRefusedByName() {
        GatewayException refused = assertThrows(GatewayException.class, () -> api.toChat(Json.tree(
                "{\"model\":\"m\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}")));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("'web_search' (web_search_20250305)"), refused.getMessage());
    }

    @Test
    void toolChoiceAndThinkingInChatsWords() {
        assertEquals("auto", chatOf("\"tool_choice\":{\"type\":\"auto\"}").path("tool_choice").asText());
        assertEquals("none", chatOf("\"tool_choice\":{\"type\":\"none\"}").path("tool_choice").asText());
        Json.assertSameJson("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
                chatOf("\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}").path("tool_choice").toString());
        assertEquals("none", chatOf("\"thinking\":{\"type\":\"disabled\"}").path("reasoning_effort").asText());
        assertFalse(chatOf("\"metadata\":{\"user_id\":\"u\"}").has("metadata"));
    }

    @Test
    void stopReasonsInAnthropicsWords() {
        JsonNode client = Json.tree("{\"model\":\"m\",\"stop_sequences\":[\"END\"]}");
        assertEquals("max_tokens", stopOf("\"finish_reason\":\"length\"", client).path("stop_reason").asText());
        JsonNode matched = stopOf("\"finish_reason\":\"stop\",\"stop_reason\":\"END\"", client);
        assertEquals("stop_sequence", matched.path("stop_reason").asText());
        assertEquals("END", matched.path("stop_sequence").asText());
        assertEquals("end_turn", stopOf("\"finish_reason\":\"stop\"", client).path("stop_reason").asText());
    }

    @Test
    void upstreamErrorsTakeAnthropicsShapeWhateverTheirBody() {
        Json.assertSameJson("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key\"}}",
                text(api.fromChatError(401, bytes("{\"error\":{\"message\":\"bad key\",\"type\":\"x\"}}")).orElseThrow()));
        Json.assertSameJson("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}",
                text(api.fromChatError(503, bytes("busy")).orElseThrow()));
        Json.assertSameJson("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}",
                mapperWrite(api.errorBody(429, "slow down", null)));
    }

    @Test
    void countTokensIsAnEstimateOfTheTextAndImagesTheModelReads() {
        ObjectNode chat = (ObjectNode) api.toChat(Json.tree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + "abcd".repeat(25) + "\"}]}"));
        Json.assertSameJson("{\"input_tokens\":29}", text(api.answerHere("count_tokens", chat).orElseThrow()));
        assertTrue(api.answerHere("other", chat).isEmpty());
    }

    private JsonNode chatOf(String fields) {
        return api.toChat(Json.tree("{\"model\":\"m\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"hi\"}],\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]," + fields + "}"));
    }

    private JsonNode stopOf(String choiceFields, JsonNode client) {
        return Json.tree(text(api.fromChat(bytes("{\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"x\"}," + choiceFields + "}]}"), client, null)));
    }

    private ClientRequest request() {
        return new ClientRequest(mapper.createObjectNode(), RouteType.CHAT, "m", true);
    }

    /** Each SSE event as its name and data. */
    static List<String[]> events(String sse) {
        List<String[]> events = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : event.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            events.add(new String[] { name, data });
        }
        return events;
    }

    private String mapperWrite(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
