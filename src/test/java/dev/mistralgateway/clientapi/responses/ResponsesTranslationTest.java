package dev.mistralgateway.clientapi.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.clientapi.chat.OpenAiChatApi;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.testing.openai.OpenAiSpec;

/** The Responses translator alone, without Quarkus: golden files in, chat requests and Responses shapes out. */
class ResponsesTranslationTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ResponsesApi api = new ResponsesApi(mapper, Clock.systemUTC());

    private JsonNode golden(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("responses/" + name)) {
            return mapper.readTree(in);
        }
    }

    @Test
    void everyInputItemKindBecomesItsChatMessage() throws IOException {
        assertEquals(golden("every-item.chat.json"), api.toChat(golden("every-item.request.json")));
    }

    @Test
    void aStreamOfReasoningTextAndCustomCallFitsOpenAisEventSchema() throws IOException {
        JsonNode request = mapper.readTree("{\"input\":\"x\",\"tools\":[{\"type\":\"custom\",\"name\":\"apply_patch\"}]}");
        var stream = api.stream(request, new ClientRequest(mapper.createObjectNode(), RouteType.CHAT, "m", true));
        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}";
        StringBuilder out = new StringBuilder();
        for (String[] piece : new String[][] { { "{\"reasoning_content\":\"think\"}", "null" },
                { "{\"content\":\"ok\"}", "null" },
                { "{\"tool_calls\":[{\"index\":0,\"id\":\"abcDEF123\",\"function\":{\"name\":\"apply_patch\",\"arguments\":\"{\\\"input\\\":\"}}]}",
                        "null" },
                { "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"p\\\"}\"}}]}", "\"tool_calls\"" } }) {
            out.append(new String(stream.next(("data: " + chunk.formatted(piece[0], piece[1]) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        }
        out.append(new String(stream.next("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        out.append(new String(stream.end(), StandardCharsets.UTF_8));
        List<String> types = new ArrayList<>();
        for (String event : out.toString().split("\n\n")) {
            JsonNode data = mapper.readTree(event.substring(event.indexOf("data: ") + 6));
            OpenAiSpec.assertFits("ResponseStreamEvent", data);
            types.add(data.get("type").asText());
        }
        assertTrue(types.contains("response.reasoning_text.delta"), types.toString());
        assertTrue(types.contains("response.custom_tool_call_input.done"), types.toString());
        assertEquals("response.completed", types.get(types.size() - 1));
        JsonNode last = mapper.readTree(out.substring(out.lastIndexOf("data: ") + 6));
        assertEquals("p", last.at("/response/output/2/input").asText());
        assertEquals("reasoning", last.at("/response/output/0/type").asText());
    }

    @Test
    void hostedToolsAndStateAreRefusedByName() throws IOException {
        for (String tool : List.of("file_search", "code_interpreter", "computer_use_preview", "image_generation", "mcp")) {
            GatewayException refused = assertThrows(GatewayException.class, () -> api.toChat(mapper.readTree(
                    "{\"input\":\"x\",\"tools\":[{\"type\":\"" + tool + "\"}]}")));
            assertTrue(refused.getMessage().contains("'" + tool + "'"), refused.getMessage());
        }
        assertThrows(GatewayException.class, () -> api.toChat(mapper.readTree(
                "{\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}")));
    }

    /**
     * The schema checks here and in ResponsesRouteTest can fail: with the translation switched off
     * (OpenAI's chat API, which passes the chat answer and events on as they came), neither the
     * answer nor any event fits OpenAI's Responses schemas, while the translated ones do.
     */
    @Test
    void withTheTranslationSwitchedOffNothingFitsTheResponsesSchemas() throws IOException {
        ClientApi off = new OpenAiChatApi();
        JsonNode body = mapper.readTree("{\"input\":\"hi\"}");
        ClientRequest request = new ClientRequest(mapper.createObjectNode(), RouteType.CHAT, "m", false);
        byte[] chat = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris.\"},\"finish_reason\":"
                + "\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(OpenAiSpec.violations("Response", mapper.readTree(off.fromChat(chat, body, request))).isEmpty());
        assertEquals(List.of(), OpenAiSpec.violations("Response", mapper.readTree(api.fromChat(chat, body, request))));

        byte[] events = ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":"
                + "\"stop\"}]}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        for (ClientApi translator : List.of(off, api)) {
            ClientStream stream = translator.stream(body, request);
            String out = new String(stream.next(events), StandardCharsets.UTF_8)
                    + new String(stream.end(), StandardCharsets.UTF_8);
            int fitting = 0;
            int all = 0;
            for (String event : out.split("\n\n")) {
                String data = event.substring(event.indexOf("data: ") + 6);
                if (!data.equals("[DONE]")) {
                    all++;
                    fitting += OpenAiSpec.violations("ResponseStreamEvent", mapper.readTree(data)).isEmpty() ? 1 : 0;
                }
            }
            assertTrue(all > 0, out);
            assertEquals(translator == api ? all : 0, fitting, out);
        }
    }
}
