package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.assertSameJson;
import static dev.mistralgateway.testing.Json.tree;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.SseBody;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Streams through the Lambda HTTP handler, which returns the whole event stream as one body:
 * upstreams that send their frames split at awkward places and with pauses, and what the client
 * reads out of the body, event by event.
 */
@QuarkusTest
@QuarkusTestResource(value = StreamingRouteTest.Routes.class, restrictToAnnotatedClass = true)
class StreamingRouteTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/openai-chat", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(0, "model.name", "mistral-tiny")
                    .routeSetting(0, "balancer.read-timeout", "800")
                    .route(1, "/openai-completions", "llm/v1/completions", "openai", upstream.url("/v1/completions"))
                    .route(2, "/ollama-chat", "llm/v1/chat", "ollama", upstream.url("/api/chat"))
                    .routeSetting(2, "balancer.read-timeout", "800")
                    .route(3, "/ollama-completions", "llm/v1/completions", "ollama", upstream.url("/api/generate"))
                    .route(4, "/always", "llm/v1/chat", "openai", upstream.url("/always/v1/chat/completions"))
                    .routeSetting(4, "response-streaming", "always")
                    .route(5, "/deny", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .routeSetting(5, "response-streaming", "deny")
                    .route(6, "/openai-limited", "llm/v1/chat", "openai", upstream.url("/limited/v1/chat/completions"))
                    .build();
        }
    }

    private static final String SSE = "text/event-stream";
    private static final String NDJSON = "application/x-ndjson";
    private static final Duration PAUSE = Duration.ofMillis(5);
    private static final String CHAT = "{\"model\":\"mistral\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 1 + 1?\"}]}";

    /** A typical Ollama chat stream: three pieces of content, then the done line with its counts. */
    private static final String OLLAMA_CHAT_STREAM = """
            {"model":"mistral","created_at":"2024-01-15T08:13:38.876196Z","message":{"role":"assistant","content":"The"},"done":false}
            {"model":"mistral","created_at":"2024-01-15T08:13:38.9Z","message":{"role":"assistant","content":" answer"},"done":false}
            {"model":"mistral","created_at":"2024-01-15T08:13:39Z","message":{"role":"assistant","content":" is 2."},"done":false}
            {"model":"mistral","created_at":"2024-01-15T08:13:39.1Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":26,"eval_count":4}
            """;

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static List<String> events(Response response) {
        response.then().statusCode(200).contentType(startsWith(SSE));
        return SseBody.data(response.asString());
    }

    @Test
    void openAiEventsPassThroughUnchangedWhateverWayTheyAreSplit() {
        String input = kong("unit/streaming-chunk-formats/text-event-stream/input.bin");
        List<String> expected = new ArrayList<>();
        tree(kong("unit/streaming-chunk-formats/text-event-stream/expected-output.json"))
                .forEach(event -> expected.add(event.get("data").textValue()));
        expected.add("[DONE]");

        for (int size : new int[] { 1, 7, 64, 4096 }) {
            upstream.reset();
            upstream.reply("/v1/chat/completions", Reply.stream(SSE, Duration.ZERO, Reply.piecesOf(input, size)));

            Response response = post("/openai-chat", CHAT.replace("\"mistral\"", "\"mistral-tiny\""));

            assertEquals(expected, events(response), "pieces of " + size + " bytes");
            response.then().header("X-AI-Proxy-Model", "mistral/mistral-tiny").header("Cache-Control", "no-cache");
        }
        JsonNode sent = tree(upstream.only().bodyText());
        assertEquals(true, sent.get("stream").booleanValue());
        assertEquals("mistral-tiny", sent.get("model").textValue());
    }

    @Test
    void realOpenAiFramesPassThroughAndAnEndWithoutDoneIsACutAnswer() {
        String chat = kong("unit/real-stream-frames/openai/llm-v1-chat.txt");
        upstream.reply("/v1/chat/completions", Reply.stream(SSE, PAUSE, Reply.piecesOf(chat + "\n\ndata: [DONE]\n\n", 50)));
        assertEquals(List.of(chat.strip().substring("data: ".length()), "[DONE]"),
                events(post("/openai-chat", CHAT.replace("\"mistral\"", "\"mistral-tiny\""))));

        String completion = kong("unit/real-stream-frames/openai/llm-v1-completions.txt");
        upstream.reply("/v1/completions", Reply.stream(SSE, PAUSE, Reply.piecesOf(completion + "\n\ndata: [DONE]\n\n", 50)));
        assertEquals(List.of(completion.strip().substring("data: ".length()), "[DONE]"),
                events(post("/openai-completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"stream\":true}")));

        // Kong's capture as it is, cut before [DONE]: nothing went out yet, so the client gets the failure
        upstream.reply("/v1/completions", Reply.stream(SSE, PAUSE, Reply.piecesOf(completion, 50)));
        post("/openai-completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"stream\":true}").then().statusCode(502)
                .body("error.message", equalTo("the upstream's stream ended before its [DONE]: the answer may be cut short"));
    }

    @Test
    void doneFromTheUpstreamIsSentOnceAndNothingAfterIt() {
        upstream.reply("/v1/chat/completions", Reply.stream(SSE, PAUSE, List.of(
                "data: {\"a\":1}\r\n\r\n: keep-alive comment\n\ndata: [DONE]\n\n".getBytes(),
                "data: {\"late\":true}\n\ndata: [DONE]\n\n".getBytes())));

        assertEquals(List.of("{\"a\":1}", "[DONE]"),
                events(post("/openai-chat", CHAT.replace("\"mistral\"", "\"mistral-tiny\""))));
    }

    @Test
    void ollamaLinesBecomeChatChunksWithRealUsage() {
        upstream.reply("/api/chat", Reply.stream(NDJSON, PAUSE, Reply.piecesOf(OLLAMA_CHAT_STREAM, 33)));

        List<String> events = events(post("/ollama-chat",
                CHAT.replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}")));

        assertEquals(6, events.size(), events::toString);
        String id = tree(events.get(0)).get("id").textValue();
        assertTrue(id.matches("chatcmpl-[0-9a-f]{24}"), id);
        long created = Instant.parse("2024-01-15T08:13:38Z").getEpochSecond();
        String head = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":\"mistral\",";
        assertSameJson(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The\"},"
                + "\"finish_reason\":null}]}", events.get(0));
        assertSameJson(head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" answer\"},\"finish_reason\":null}]}",
                events.get(1));
        assertSameJson(head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" is 2.\"},\"finish_reason\":null}]}",
                events.get(2));
        assertSameJson(head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", events.get(3));
        assertSameJson(head + "\"choices\":[],\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":4,\"total_tokens\":30}}",
                events.get(4));
        assertEquals("[DONE]", events.get(5));
        assertSameJson(
                "{\"model\":\"mistral\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"What is 1 + 1?\"}]}",
                upstream.only().bodyText());
    }

    @Test
    void ollamaStreamWithoutUsageRequestEndsWithFinishAndDone() {
        upstream.reply("/api/chat", Reply.stream("application/json", PAUSE, Reply.piecesOf(
                OLLAMA_CHAT_STREAM.replace("\n", "\r\n"), 17)));

        List<String> events = events(post("/ollama-chat", CHAT));

        assertEquals(5, events.size(), events::toString);
        assertEquals("stop", tree(events.get(3)).at("/choices/0/finish_reason").textValue());
        assertEquals("[DONE]", events.get(4));
    }

    @Test
    void ollamaToolCallsStreamWithIds() {
        upstream.reply("/api/chat",
                Reply.stream(NDJSON, PAUSE,
                        List.of(("""
                                {"model":"mistral","created_at":"2024-01-15T08:13:38Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false}
                                {"model":"mistral","created_at":"2024-01-15T08:13:39Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":9,"eval_count":5}
                                """)
                                .getBytes())));

        List<String> events = events(post("/ollama-chat", CHAT));

        JsonNode call = tree(events.get(0)).at("/choices/0/delta/tool_calls/0");
        assertEquals(0, call.get("index").intValue());
        assertTrue(call.get("id").textValue().matches("[a-zA-Z0-9]{9}"));
        assertEquals("function", call.get("type").textValue());
        assertEquals("get_weather", call.at("/function/name").textValue());
        assertSameJson("{\"city\":\"Paris\"}", call.at("/function/arguments").textValue());
        assertEquals("tool_calls", tree(events.get(1)).at("/choices/0/finish_reason").textValue());
        assertEquals("[DONE]", events.get(2));
    }

    @Test
    void ollamaCompletionsStreamAsTextCompletionChunks() {
        upstream.reply("/api/generate",
                Reply.stream(NDJSON, PAUSE,
                        Reply.piecesOf(
                                """
                                        {"model":"llama2","created_at":"2024-01-15T08:14:21Z","response":"Because","done":false}
                                        {"model":"llama2","created_at":"2024-01-15T08:14:21Z","response":" I said so.","done":false}
                                        {"model":"llama2","created_at":"2024-01-15T08:14:22Z","response":"","done":true,"done_reason":"length","prompt_eval_count":13,"eval_count":12}
                                        """,
                                20)));

        List<String> events = events(post("/ollama-completions",
                "{\"model\":\"llama2\",\"prompt\":\"Why?\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));

        assertEquals(5, events.size(), events::toString);
        JsonNode first = tree(events.get(0));
        assertEquals("text_completion", first.get("object").textValue());
        assertTrue(first.get("id").textValue().startsWith("cmpl-"));
        assertEquals("Because", first.at("/choices/0/text").textValue());
        assertTrue(first.at("/choices/0/finish_reason").isNull());
        assertEquals(" I said so.", tree(events.get(1)).at("/choices/0/text").textValue());
        assertEquals("length", tree(events.get(2)).at("/choices/0/finish_reason").textValue());
        assertEquals(25, tree(events.get(3)).at("/usage/total_tokens").intValue());
        assertEquals("[DONE]", events.get(4));
    }

    @Test
    void alwaysStreamsAndDenyRefuses() {
        upstream.reply("/always/v1/chat/completions", Reply.stream(SSE, PAUSE, List.of("data: {\"x\":1}\n\n".getBytes(),
                "data: [DONE]\n\n".getBytes())));

        assertEquals(List.of("{\"x\":1}", "[DONE]"), events(post("/always", CHAT.replace(",\"stream\":true", ""))));
        assertEquals(true, tree(upstream.only().bodyText()).get("stream").booleanValue());

        post("/deny", CHAT).then().statusCode(400)
                .body("error.message", equalTo("response streaming is not enabled for this LLM"));
        post("/deny", CHAT.replace("\"stream\":true", "\"stream\":false")).then().statusCode(404);
    }

    @Test
    void anUpstreamErrorBeforeAnyEventIsAPlainJsonError() {
        upstream.reply("/limited/v1/chat/completions", Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}")
                .withHeader("Retry-After", "3"));
        post("/openai-limited", CHAT).then().statusCode(429)
                .contentType(startsWith("application/json"))
                .header("Retry-After", "3")
                .body("error.message", equalTo("slow down"));
        // the only target asked for a pause: the gateway keeps it and answers 429 itself meanwhile
        post("/openai-limited", CHAT).then().statusCode(429)
                .header("Retry-After", Matchers.oneOf("1", "2", "3"))
                .body("error.message", startsWith("the upstream of route 'openai-limited' asked for a pause"));
        assertEquals(1, upstream.received().size());

        upstream.reply("/api/chat", Reply.json(404, "{\"error\":\"model 'mistral' not found\"}"));
        post("/ollama-chat", CHAT).then().statusCode(404)
                .contentType(startsWith("application/json"))
                .body("error.message", equalTo("model 'mistral' not found"));
    }

    @Test
    void anUpstreamThatStallsAfterTheFirstEventEndsTheStreamWithAnErrorEvent() {
        // the route's read timeout is 800 ms; the upstream falls silent for 3 x 500 ms after its first line
        upstream.reply("/api/chat", Reply.stream(NDJSON, Duration.ofMillis(500), List.of(
                OLLAMA_CHAT_STREAM.lines().findFirst().orElseThrow().concat("\n").getBytes(),
                new byte[0], new byte[0], OLLAMA_CHAT_STREAM.getBytes())));

        List<String> events = events(post("/ollama-chat", CHAT));

        assertEquals(2, events.size(), events::toString);
        assertEquals("The", tree(events.get(0)).at("/choices/0/delta/content").textValue());
        assertTrue(tree(events.get(1)).at("/error/message").textValue()
                .startsWith("The upstream server is timing out: no answer from"));
    }

    @Test
    void anOllamaStreamThatStopsShortOrFailsEndsWithAnErrorEvent() {
        String first = OLLAMA_CHAT_STREAM.lines().findFirst().orElseThrow() + "\n";
        upstream.reply("/api/chat", Reply.stream(NDJSON, PAUSE, List.of(first.getBytes())));
        List<String> cut = events(post("/ollama-chat", CHAT));
        assertEquals(2, cut.size(), cut::toString);
        assertEquals("the upstream stream ended before Ollama said it was done",
                tree(cut.get(1)).at("/error/message").textValue());

        upstream.reply("/api/chat", Reply.stream(NDJSON, PAUSE, List.of(first.getBytes(),
                "{\"error\":\"llama runner process has terminated\"}\n".getBytes())));
        List<String> failed = events(post("/ollama-chat", CHAT));
        assertEquals("llama runner process has terminated", tree(failed.get(1)).at("/error/message").textValue());
        assertEquals(2, failed.size(), failed::toString);
    }
}
