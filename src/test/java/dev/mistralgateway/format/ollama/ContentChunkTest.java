package dev.mistralgateway.format.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.ChatCompletionChunk;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.SseBody;
import dev.mistralgateway.testing.TestRoutes;

/**
 * The stream's most frequent event, a piece of content, is written without the record serialiser:
 * its bytes must be exactly those the {@link ChatCompletionChunk} record gives, whatever the content
 * holds (quotes, control characters, line separators, emoji, the marker the shortcut cuts on) and
 * whatever the model's name holds.
 */
class ContentChunkTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void contentChunksAreByteForByteTheRecordsJson() throws Exception {
        List<String> contents = List.of(" word", "say \"hi\"\\", "line\nbreak\ttab\r", "\u0000 nul \u0001",
                "\u2028\u2029 déjà vu 🙂", "</script>", "");
        for (String model : List.of("mistral", "odd \u0000 \"model\"")) {
            StreamTranslator stream = translator();
            StringBuilder ndjson = new StringBuilder(line(model, "first"));
            contents.forEach(content -> ndjson.append(line(model, content)));
            List<String> events = SseBody.data(new String(stream.next(ndjson.toString().getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8));

            JsonNode first = mapper.readTree(events.get(0));
            String id = first.get("id").textValue();
            long created = first.get("created").longValue();
            List<String> nonEmpty = contents.stream().filter(content -> !content.isEmpty()).toList();
            assertEquals(1 + nonEmpty.size(), events.size(), String.join("\n", events));
            for (int i = 0; i < nonEmpty.size(); i++) {
                String expected = mapper.writeValueAsString(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT,
                        created, model, List.of(new ChatCompletionChunk.Choice(0,
                                new ChatCompletionChunk.Delta(null, nonEmpty.get(i), null, null), null)),
                        null));
                assertEquals(expected, events.get(i + 1));
            }
        }
    }

    private String line(String model, String content) {
        return mapper.createObjectNode().put("model", model).put("created_at", "2024-01-15T08:13:38.876196Z")
                .set("message", mapper.createObjectNode().put("role", "assistant").put("content", content))
                .toString().replace("}}", "},\"done\":false}") + "\n";
    }

    private StreamTranslator translator() {
        Route route = TestRoutes.fromEnvironment(Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/ollama",
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "ollama",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:11434/api/chat")).get(0);
        KongRequestRules rules = new KongRequestRules(mapper);
        byte[] chat = "{\"model\":\"mistral\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        return new OllamaStreamTranslator(mapper, Clock.systemUTC(),
                rules.forTarget(route, route.targets().get(0), rules.check(route, chat)));
    }
}
