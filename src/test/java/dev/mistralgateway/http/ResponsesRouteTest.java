package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Json.tree;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.mistral.MistralCloud;
import dev.mistralgateway.testing.openai.OpenAiSpec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * OpenAI's Responses API ({@code llm/v1/responses}) through the Lambda handler, on a Mistral.ai
 * target (every body checked against Mistral's contract) and on an Ollama target; every answer and
 * event checked against OpenAI's published {@code Response} and {@code ResponseStreamEvent}.
 */
@QuarkusTest
@QuarkusTestResource(value = ResponsesRouteTest.Routes.class, restrictToAnnotatedClass = true)
class ResponsesRouteTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/v1/responses", "llm/v1/responses", "openai", upstream.url("/v1/chat/completions"))
                    .mistralCloud(0, 0, "mistral-small-latest")
                    .route(1, "/ollama/v1/responses", "llm/v1/responses", "ollama", upstream.url("/api/chat"))
                    .target(1, "model.name", "mistral")
                    .routeSetting(1, "max-stream-tokens", "50")
                    .build();
        }
    }

    private static final String CHAT_ANSWER = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Paris.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
            + "\"completion_tokens\":2,\"total_tokens\":14}}";
    private static final String STREAM = """
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}

            data: [DONE]

            """;
    private static final String WEATHER = "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":"
            + "\"Weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
            + "\"string\"}},\"required\":[\"city\"]}}";
    private static final String PATCH = "{\"type\":\"custom\",\"name\":\"apply_patch\",\"description\":"
            + "\"Applies a patch\"}";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
    }

    /** The name and data of each event of a Responses stream. */
    static List<String[]> events(String body) {
        assertTrue(body.endsWith("\n\n"), body);
        List<String[]> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            String[] lines = event.split("\n");
            assertTrue(lines.length == 2 && lines[0].startsWith("event: ") && lines[1].startsWith("data: "), event);
            events.add(new String[] { lines[0].substring(7), lines[1].substring(6) });
        }
        return events;
    }

    /** Every event fits OpenAI's schema, is named as its type, and is numbered in order. */
    static List<JsonNode> checkedEvents(String body) {
        List<JsonNode> data = new ArrayList<>();
        for (String[] event : events(body)) {
            JsonNode tree = tree(event[1]);
            OpenAiSpec.assertFits("ResponseStreamEvent", tree);
            assertEquals(event[0], tree.get("type").asText());
            assertEquals(data.size(), tree.get("sequence_number").asInt());
            data.add(tree);
        }
        return data;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.get("type").asText()).toList();
    }

    @Test
    void wholeAnswerOnMistralCloudIsAResponse() {
        upstream.reply("/v1/chat/completions", Reply.json(200, CHAT_ANSWER));

        Response response = post("/v1/responses", "{\"model\":\"mistral-small-latest\",\"instructions\":\"Be brief.\","
                + "\"input\":\"Capital of France?\",\"max_output_tokens\":100,\"temperature\":0.2,\"store\":false,"
                + "\"metadata\":{\"team\":\"a\"},\"user\":\"u1\",\"safety_identifier\":\"s1\",\"truncation\":\"auto\","
                + "\"service_tier\":\"auto\",\"include\":[\"reasoning.encrypted_content\"],"
                + "\"reasoning\":{\"effort\":\"low\"},\"text\":{\"format\":{\"type\":\"json_object\"}}}");

        response.then().statusCode(200).contentType(containsString("application/json"));
        OpenAiSpec.assertResponse(response.asString());
        JsonNode answer = tree(response.asString());
        assertTrue(answer.get("id").asText().startsWith("resp_"));
        assertEquals("completed", answer.get("status").asText());
        assertEquals("Paris.", answer.at("/output/0/content/0/text").asText());
        assertEquals(14, answer.at("/usage/total_tokens").asInt());
        assertEquals("a", answer.at("/metadata/team").asText());
        mistral.assertAllValid();
        JsonNode sent = tree(upstream.only().bodyText());
        assertEquals(tree("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
                + "\"Capital of France?\"}]"), sent.get("messages"));
        assertEquals(100, sent.get("max_tokens").asInt());
        assertEquals("high", sent.get("reasoning_effort").asText());
        assertEquals("json_object", sent.at("/response_format/type").asText());
        for (String field : List.of("store", "metadata", "user", "safety_identifier", "truncation", "service_tier",
                "include", "instructions", "input")) {
            assertTrue(!sent.has(field), field + " went upstream: " + sent);
        }
    }

    @Test
    void streamOnMistralCloudIsTheResponsesEventStream() {
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of(STREAM.getBytes(StandardCharsets.UTF_8))));

        Response response = post("/v1/responses", "{\"input\":\"hi\",\"stream\":true}");

        response.then().statusCode(200).contentType(containsString("text/event-stream"));
        List<JsonNode> events = checkedEvents(response.asString());
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), types(events));
        JsonNode completed = events.get(events.size() - 1).get("response");
        assertEquals("Hi there", completed.at("/output/0/content/0/text").asText());
        assertEquals(7, completed.at("/usage/total_tokens").asInt());
        mistral.assertAllValid();
        assertTrue(tree(upstream.only().bodyText()).get("stream").asBoolean());
    }

    @Test
    void functionToolRoundTripOnMistralCloud() {
        upstream.reply("/v1/chat/completions", Reply.json(200, "{\"id\":\"c2\",\"object\":\"chat.completion\","
                + "\"created\":1,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,"
                + "\"total_tokens\":39}}"));

        Response first = post("/v1/responses", "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                + "\"text\":\"Weather in Paris?\"}]}],\"tools\":[" + WEATHER + "],\"tool_choice\":\"required\"}");

        first.then().statusCode(200);
        OpenAiSpec.assertResponse(first.asString());
        JsonNode call = tree(first.asString()).at("/output/0");
        assertEquals("function_call", call.get("type").asText());
        assertEquals("D681PevKs", call.get("call_id").asText());
        assertEquals("{\"city\":\"Paris\"}", call.get("arguments").asText());
        JsonNode sent = tree(upstream.only().bodyText());
        assertEquals("get_weather", sent.at("/tools/0/function/name").asText());
        assertEquals("any", sent.get("tool_choice").asText());

        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        upstream.reply("/v1/chat/completions", Reply.json(200, CHAT_ANSWER));
        // a call id from another hosting (OpenAI's form) maps to Mistral's the same way in both places
        String openAiId = "call_Xy7PqL2mN8vR4tK9wB3zD1aF";
        Response second = post("/v1/responses", "{\"input\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"" + openAiId + "\",\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},{\"type\":\"function_call_output\",\"call_id\":\""
                + openAiId + "\",\"output\":\"18 C\"}],\"tools\":[" + WEATHER + "]}");

        second.then().statusCode(200);
        OpenAiSpec.assertResponse(second.asString());
        mistral.assertAllValid();
        JsonNode messages = tree(upstream.only().bodyText()).get("messages");
        String mapped = Ids.mistralToolCallId(openAiId);
        assertEquals(mapped, messages.at("/1/tool_calls/0/id").asText());
        assertEquals(mapped, messages.at("/2/tool_call_id").asText());
        assertEquals("18 C", messages.at("/2/content").asText());
    }

    @Test
    void customToolOnOllamaComesBackAsACustomToolCall() {
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"created_at\":"
                + "\"2024-01-15T08:13:38.876196Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
                + "[{\"function\":{\"name\":\"apply_patch\",\"arguments\":{\"input\":\"*** Begin Patch\\n*** End Patch\"}}}]},"
                + "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":20,\"eval_count\":8}"));

        Response response = post("/ollama/v1/responses", "{\"input\":\"fix it\",\"tools\":[" + PATCH + "]}");

        response.then().statusCode(200);
        OpenAiSpec.assertResponse(response.asString());
        JsonNode call = tree(response.asString()).at("/output/0");
        assertEquals("custom_tool_call", call.get("type").asText());
        assertEquals("apply_patch", call.get("name").asText());
        assertEquals("*** Begin Patch\n*** End Patch", call.get("input").asText());
        JsonNode sent = tree(upstream.only().bodyText());
        assertEquals("string", sent.at("/tools/0/function/parameters/properties/input/type").asText());

        // the call and its output replayed: an assistant tool call and a tool message, with the same id
        upstream.reset();
        upstream.reply("/api/chat", Reply.json(200, "{\"model\":\"mistral\",\"created_at\":"
                + "\"2024-01-15T08:13:38.876196Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Done.\"},"
                + "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":20,\"eval_count\":2}"));
        String callId = call.get("call_id").asText();
        Response next = post("/ollama/v1/responses", "{\"input\":[{\"role\":\"user\",\"content\":\"fix it\"},"
                + "{\"type\":\"custom_tool_call\",\"call_id\":\"" + callId + "\",\"name\":\"apply_patch\",\"input\":"
                + "\"*** Begin Patch\"},{\"type\":\"custom_tool_call_output\",\"call_id\":\"" + callId
                + "\",\"output\":\"applied\"}],\"tools\":[" + PATCH + "]}");
        next.then().statusCode(200).body("output[0].content[0].text", equalTo("Done."));
        JsonNode messages = tree(upstream.only().bodyText()).get("messages");
        assertEquals("*** Begin Patch", messages.at("/1/tool_calls/0/function/arguments/input").asText());
        assertEquals("applied", messages.at("/2/content").asText());
    }

    @Test
    void streamOnOllamaWithAToolCall() {
        String lines = "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\",\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Let me check.\"},\"done\":false}\n"
                + "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:39Z\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":"
                + "\"Paris\"}}}]},\"done\":false}\n"
                + "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:40Z\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":9,\"eval_count\":5}\n";
        upstream.reply("/api/chat", Reply.stream("application/x-ndjson", Duration.ZERO,
                List.of(lines.getBytes(StandardCharsets.UTF_8))));

        Response response = post("/ollama/v1/responses", "{\"input\":\"Weather?\",\"stream\":true,\"tools\":["
                + WEATHER + "]}");

        response.then().statusCode(200);
        List<JsonNode> events = checkedEvents(response.asString());
        List<String> types = types(events);
        assertTrue(types.contains("response.function_call_arguments.delta"), types.toString());
        assertTrue(types.contains("response.function_call_arguments.done"), types.toString());
        JsonNode completed = events.get(events.size() - 1);
        assertEquals("response.completed", completed.get("type").asText());
        assertEquals("message", completed.at("/response/output/0/type").asText());
        assertEquals("function_call", completed.at("/response/output/1/type").asText());
        assertEquals("{\"city\":\"Paris\"}", completed.at("/response/output/1/arguments").asText());
        assertEquals(14, completed.at("/response/usage/total_tokens").asInt());
    }

    @Test
    void anUpstreamThatStopsMidStreamEndsInResponseFailed() {
        String cut = STREAM.substring(0, STREAM.indexOf("data: {", 10));
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO,
                List.of(cut.getBytes(StandardCharsets.UTF_8))));

        Response response = post("/v1/responses", "{\"input\":\"hi\",\"stream\":true}");

        List<JsonNode> events = checkedEvents(response.asString());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("response.failed", last.get("type").asText());
        assertEquals("failed", last.at("/response/status").asText());
        assertEquals("server_error", last.at("/response/error/code").asText());
    }

    @Test
    void aStreamCutAtTheRoutesTokenLimitEndsInResponseFailed() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            lines.append("{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\",\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\" w\"},\"done\":false}\n");
        }
        upstream.reply("/api/chat", Reply.stream("application/x-ndjson", Duration.ZERO,
                List.of(lines.toString().getBytes(StandardCharsets.UTF_8))));

        Response response = post("/ollama/v1/responses", "{\"input\":\"talk\",\"stream\":true}");

        List<JsonNode> events = checkedEvents(response.asString());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("response.failed", last.get("type").asText());
        assertTrue(last.at("/response/error/message").asText().contains("50 tokens"), last.toString());
    }

    @Test
    void anAnswerCutByTheTokenCapIsIncomplete() {
        upstream.reply("/v1/chat/completions", Reply.json(200, CHAT_ANSWER.replace("\"stop\"", "\"length\"")));

        Response response = post("/v1/responses", "{\"input\":\"hi\",\"max_output_tokens\":16}");

        OpenAiSpec.assertResponse(response.asString());
        response.then().statusCode(200).body("status", equalTo("incomplete"))
                .body("incomplete_details.reason", equalTo("max_output_tokens"));
    }

    @Test
    void whatNeedsStateOrOpenAisServersIsRefusedInOpenAisErrorShape() {
        post("/v1/responses", "{\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("stores none (responses are stored only in the fleet's Redis: "
                        + "set QUARKUS_REDIS_HOSTS)"));
        // without Redis no response is stored: GET and DELETE say why, in OpenAI's error shape
        for (Response none : List.of(RestAssured.get("/v1/responses/resp_1"),
                RestAssured.delete("/v1/responses/resp_1"))) {
            none.then().statusCode(404).body("error.message", containsString("this gateway stores no responses "
                    + "(responses are stored only in the fleet's Redis: set QUARKUS_REDIS_HOSTS)"));
            OpenAiSpec.assertFits("ErrorResponse", tree(none.asString()));
        }
        post("/v1/responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}").then().statusCode(400)
                .body("error.message", containsString("'web_search'"));
        post("/v1/responses", "{\"input\":[]}").then().statusCode(400)
                .body("error.message", containsString("'input' is missing"));
        assertEquals(0, upstream.received().size());
    }
}
