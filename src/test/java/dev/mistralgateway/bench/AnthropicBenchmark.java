package dev.mistralgateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.clientapi.anthropic.AnthropicApi;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.TestRoutes;

/**
 * Anthropic's Messages API's own work, beside {@link HotPathBenchmark}'s chat figures: the golden
 * request (system blocks, images, a tool round trip, two tools) read and translated to the chat
 * form and through Kong's checks, a chat answer with reasoning and two tool calls translated to a
 * Message, and one text chunk of a stream through the Anthropic stream translator (on top of the
 * format's). Run: {@code ./mvnw test-compile exec:exec@jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnthropicBenchmark {

    private final ObjectMapper mapper = new ObjectMapper();
    private final KongRequestRules rules = new KongRequestRules(mapper);
    private final AnthropicApi api = new AnthropicApi(mapper);
    private Route route;
    private byte[] request;
    private byte[] chatAnswer;
    private JsonNode client;
    private byte[] chatChunk;
    private ClientStream stream;

    @Setup
    public void setUp() {
        List<Route> routes = TestRoutes.fromEnvironment(Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/v1/messages",
                "AI_PROXY_ROUTES_0__LLM_FORMAT", "anthropic",
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai"));
        route = routes.get(0);
        request = Fixtures.resource("anthropic/request-tools.json").getBytes(StandardCharsets.UTF_8);
        chatAnswer = Fixtures.resource("anthropic/answer-tool.chat.json").getBytes(StandardCharsets.UTF_8);
        client = rules.read(route, request);
        ObjectNode chat = rules.checkPrompts(route, api.toChat(client));
        chatChunk = ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-tiny\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"finish_reason\":null}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        stream = api.stream(client, new ClientRequest(chat, RouteType.CHAT, "mistral-tiny", true));
        stream.next(chatChunk);
    }

    @Benchmark
    public ObjectNode anthropicRequestToChat() {
        return rules.checkPrompts(route, api.toChat(rules.read(route, request)));
    }

    @Benchmark
    public byte[] anthropicAnswer() {
        return api.fromChat(chatAnswer, client, null);
    }

    /** A chunk in the middle of a stream: its text block is open already. */
    @Benchmark
    public byte[] anthropicStreamChunk() {
        return stream.next(chatChunk);
    }
}
