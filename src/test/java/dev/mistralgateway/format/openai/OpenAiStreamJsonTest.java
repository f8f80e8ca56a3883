package dev.mistralgateway.format.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.testing.SseBody;

/**
 * The {@code openai} stream translator reads each event as JSON: whatever the spacing, the line
 * breaks or the escapes of a valid event, a reasoning chunk array, an error event and a usage
 * chunk are each recognised. No Quarkus: the translator is fed the events as an upstream sends them.
 */
class OpenAiStreamJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> translate(String... events) {
        OpenAiStreamTranslator translator = new OpenAiStreamTranslator(JSON, false);
        StringBuilder upstream = new StringBuilder();
        for (String event : events) {
            // an event of several lines is several data lines
            upstream.append("data: ").append(event.replace("\n", "\ndata: ")).append("\n\n");
        }
        String out = new String(translator.next(upstream.toString().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
                + new String(translator.end(), StandardCharsets.UTF_8);
        return SseBody.data(out);
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"hm\"}]}]}}]}",
            "{\"choices\": [{\"index\": 0, \"delta\": {\"content\": [{\"type\": \"thinking\", \"thinking\": [{\"type\": \"text\", \"text\": \"hm\"}]}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\"\t:\n [{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"hm\"}]}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"\\u0063ontent\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"hm\"}]}]}}]}"
    })
    void reasoningChunksAreFoundWhateverTheSpacing(String event) {
        List<String> events = translate(event, "[DONE]");

        JsonNode delta = tree(events.get(0)).at("/choices/0/delta");
        assertEquals("hm", delta.path("reasoning_content").asText(null), events.toString());
        assertFalse(delta.has("content"), events.toString());
        assertEquals("[DONE]", events.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"error\":{\"message\":\"overloaded\"}}",
            "{ \"error\" : {\"message\":\"overloaded\"}}",
            "\n{\"error\":{\"message\":\"overloaded\"}}",
            "{\"object\": \"error\", \"message\": \"overloaded\"}",
            "{\"message\":\"overloaded\",\"object\":\"error\"}",
            "{\"\\u0065rror\":{\"message\":\"overloaded\"}}"
    })
    void anErrorEventIsFoundWhateverTheSpacingOrTheOrder(String event) {
        OpenAiStreamTranslator translator = new OpenAiStreamTranslator(JSON, false);
        String out = new String(translator.next(("data: " + event.replace("\n", "\ndata: ") + "\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

        assertEquals("the upstream's stream failed: overloaded", translator.failure(), out);
        assertFalse(out.contains("[DONE]"), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}",
            "{\"choices\":[], \"usage\" : {\"prompt_tokens\": 3, \"completion_tokens\": 4, \"total_tokens\": 7}}",
            "{\"choices\":[],\"\\u0075sage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}"
    })
    void usageIsReadWhateverTheSpacingOrTheEscapes(String event) {
        OpenAiStreamTranslator translator = new OpenAiStreamTranslator(JSON, false);
        translator.next(("data: " + event + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));

        assertNotNull(translator.usage(), event);
        assertEquals(4, translator.usage().completionTokens());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"he wrote \\\"content\\\":[ and \\\"error\\\"\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"error\\\":1}\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"usage\"}}]}"
    })
    void contentThatOnlyLooksLikeThoseIsPassedAsItCame(String event) {
        OpenAiStreamTranslator translator = new OpenAiStreamTranslator(JSON, false);
        List<String> events = translate(event, "[DONE]");

        assertEquals(event, events.get(0));
        assertNull(translator.failure());
        assertTrue(events.get(1).equals("[DONE]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"c9\",\"model\":\"m1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"id\" : \"c9\", \"model\": \"m1\", \"choices\": [{\"index\": 0, \"finish_reason\" :\n \"stop\"}]}",
            "{\"id\":\"c9\",\"model\":\"m1\",\"choices\":[{\"index\":0,\"\\u0066inish_reason\":\"stop\"}]}"
    })
    void theFinishReasonIdAndModelAreReadWhateverTheSpacingOrTheEscapes(String event) {
        OpenAiStreamTranslator translator = new OpenAiStreamTranslator(JSON, false);
        String first = "{\"id\":\"c9\",\"model\":\"m1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
                + "\"finish_reason\":null}]}";
        translator.next(("data: " + first + "\n\ndata: " + event.replace("\n", "\ndata: ") + "\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("stop"), translator.finishReasons(), event);
        assertEquals("c9", translator.responseId());
        assertEquals("m1", translator.responseModel());
    }

    @Test
    void eachChoicesFinishReasonIsKeptAndAChunkWithoutOneAddsNone() {
        OpenAiStreamTranslator translator = new OpenAiStreamTranslator(JSON, false);
        translator.next(
                ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"finish_reason\"},\"finish_reason\":null}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: {\"choices\":[{\"index\":1,\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n")
                        .getBytes(StandardCharsets.UTF_8));

        // (the first chunk's content only names the key: no reason of its own)
        assertEquals(List.of("stop", "length"), translator.finishReasons());
        assertNull(translator.responseId());
    }
}
