package dev.mistralgateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
import dev.mistralgateway.clientapi.responses.ResponsesApi;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.TestRoutes;

/**
 * The gateway's own work per request and per stream chunk, on Kong's fixtures, with no I/O:
 * Kong's rules plus request translation (to bytes), answer translation, and one stream chunk.
 * Run: {@code ./mvnw test-compile exec:exec@jmh}. Targets: ≤ 5 µs a chat request, ≤ 1 µs a chunk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HotPathBenchmark {

    private final ObjectMapper mapper = new ObjectMapper();
    private final KongRequestRules rules = new KongRequestRules(mapper);
    private final Formats formats = new Formats(mapper, Clock.systemUTC());
    private Route openai;
    private Route ollama;
    private byte[] chat;
    private byte[] openaiAnswer;
    private byte[] ollamaAnswer;
    private byte[] openaiChunk;
    private byte[] ollamaLine;
    private ClientRequest openaiRequest;
    private ClientRequest ollamaRequest;
    private StreamTranslator openaiStream;
    private StreamTranslator ollamaStream;
    private final ResponsesApi responses = new ResponsesApi(mapper, Clock.systemUTC());
    private JsonNode responsesBody;
    private byte[] responsesRaw;
    private byte[] openaiChatAnswer;
    private ClientStream responsesStream;

    @Setup
    public void setUp() {
        List<Route> routes = TestRoutes.fromEnvironment(Map.ofEntries(
                Map.entry("AI_PROXY_ROUTES_0__PATHS", "/openai"),
                Map.entry("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat"),
                Map.entry("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral"),
                Map.entry("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "mistral-tiny"),
                Map.entry("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai"),
                Map.entry("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MAX_TOKENS", "512"),
                Map.entry("AI_PROXY_ROUTES_1__PATHS", "/ollama"),
                Map.entry("AI_PROXY_ROUTES_1__TARGETS_0__ROUTE_TYPE", "llm/v1/chat"),
                Map.entry("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_PROVIDER", "mistral"),
                Map.entry("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_NAME", "mistral-tiny"),
                Map.entry("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "ollama"),
                Map.entry("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:11434/api/chat")));
        openai = routes.get(0);
        ollama = routes.get(1);
        chat = bytes("unit/requests/llm-v1-chat.json");
        openaiAnswer = bytes("unit/real-responses/mistral/openai/llm-v1-chat.json");
        ollamaAnswer = bytes("unit/real-responses/mistral/ollama/llm-v1-chat.json");
        openaiChunk = ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-tiny\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"finish_reason\":null}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        ollamaLine = ("{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38.876196Z\",\"message\":{\"role\":"
                + "\"assistant\",\"content\":\" word\"},\"done\":false}\n").getBytes(StandardCharsets.UTF_8);
        openaiRequest = rules.forTarget(openai, openai.targets().get(0), rules.check(openai, chat));
        ollamaRequest = rules.forTarget(ollama, ollama.targets().get(0), rules.check(ollama, chat));
        openaiStream = formats.of(openai.targets().get(0).format()).streamTranslator(openaiRequest, openai.targets().get(0));
        openaiStream.next(openaiChunk);
        ollamaStream = formats.of(ollama.targets().get(0).format()).streamTranslator(ollamaRequest, ollama.targets().get(0));
        ollamaStream.next(ollamaLine);
        try {
            responsesBody = mapper.readTree("{\"model\":\"mistral-tiny\",\"instructions\":\"Be brief.\","
                    + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"
                    + "\"What is 1+1?\"}]}],\"max_output_tokens\":512}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        responsesRaw = responsesBody.toString().getBytes(StandardCharsets.UTF_8);
        openaiChatAnswer = formats.of(openai.targets().get(0).format())
                .fromUpstream(openaiAnswer, openaiRequest, openai.targets().get(0)).body();
        responsesStream = responses.stream(responsesBody, openaiRequest);
        responsesStream.next(openaiChunk);
    }

    private static byte[] bytes(String fixture) {
        return Fixtures.kong(fixture).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] request(Route route) throws Exception {
        Target target = route.targets().get(0);
        ObjectNode checked = rules.check(route, chat);
        ClientRequest request = rules.forTarget(route, target, checked);
        return mapper.writeValueAsBytes(formats.of(target.format()).toUpstream(request, target));
    }

    @Benchmark
    public byte[] openaiChatRequest() throws Exception {
        return request(openai);
    }

    @Benchmark
    public byte[] ollamaChatRequest() throws Exception {
        return request(ollama);
    }

    @Benchmark
    public Format.Translated openaiAnswer() {
        Target target = openai.targets().get(0);
        return formats.of(target.format()).fromUpstream(openaiAnswer, openaiRequest, target);
    }

    @Benchmark
    public Format.Translated ollamaAnswer() {
        Target target = ollama.targets().get(0);
        return formats.of(target.format()).fromUpstream(ollamaAnswer, ollamaRequest, target);
    }

    /** A chunk in the middle of a stream: the stream's translator has seen its first chunk already. */
    @Benchmark
    public byte[] openaiStreamChunk() {
        return openaiStream.next(openaiChunk);
    }

    /** The Responses API's request in the chat form, through Kong's checks, as the openai format sends it. */
    @Benchmark
    public byte[] responsesRequest() throws Exception {
        Target target = openai.targets().get(0);
        ObjectNode checked = rules.checkPrompts(openai, responses.toChat(rules.read(openai, responsesRaw)));
        return mapper.writeValueAsBytes(formats.of(target.format()).toUpstream(rules.forTarget(openai, target,
                checked), target));
    }

    /** A chat answer, as the format gave it, as a Responses {@code Response}. */
    @Benchmark
    public byte[] responsesAnswer() {
        return responses.fromChat(openaiChatAnswer, responsesBody, openaiRequest);
    }

    /** A chat chunk (after the format's translation) as Responses events, mid-stream. */
    @Benchmark
    public byte[] responsesStreamChunk() {
        return responsesStream.next(openaiChunk);
    }

    @Benchmark
    public byte[] ollamaStreamChunk() {
        return ollamaStream.next(ollamaLine);
    }
}
