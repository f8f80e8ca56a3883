package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.mistral.MistralCloud;

/**
 * The official OpenAI SDK for Node.js, unchanged, against the packaged server: a streamed chat, a
 * whole one, an error, a tool conversation with a reasoning answer, embeddings, fill-in-the-middle
 * and the model list, as an app would make them
 * ({@code src/test/sdk}, installed by .ci/run), to a Mistral.ai route whose upstream checks every
 * body against Mistral's published spec ({@link MistralCloud}).
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class OpenAiSdkIT {

    @Test
    void theOfficialSdkStreamsChatsAndReadsErrors() throws Exception {
        Path sdk = Path.of(System.getProperty("gateway.basedir", "."), "src", "test", "sdk");
        assertTrue(Files.isDirectory(sdk.resolve("node_modules/openai")),
                "the SDK is not installed: run npm ci --prefix src/test/sdk (.ci/run does)");
        try (FakeUpstream upstream = new FakeUpstream()) {
            Map<String, String> mistralCloud = new HashMap<>(
                    RunningGateway.chatRoute("/v1/chat/completions", upstream.url("/v1/chat/completions")));
            // a stand-in for api.mistral.ai, so the cloud's hygiene is asked for explicitly
            mistralCloud.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "true");
            mistralCloud.putAll(route(1, "/v1/embeddings", "llm/v1/embeddings", "mistral-embed",
                    upstream.url("/v1/embeddings")));
            mistralCloud.putAll(route(2, "/v1/completions", "llm/v1/completions", "codestral-latest",
                    upstream.url("/v1/fim/completions")));
            MistralCloud mistral = MistralCloud.guard(upstream);
            upstream.reply("/v1/chat/completions", OpenAiSdkIT::answer);
            upstream.reply("/v1/embeddings", OpenAiSdkIT::embeddings);
            upstream.reply("/v1/fim/completions", Reply.json(200, "{\"id\":\"f1\",\"object\":\"chat.completion\","
                    + "\"created\":1,\"model\":\"codestral-latest\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"    return a + b\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}"));
            try (RunningGateway gateway = RunningGateway.start(mistralCloud)) {
                check(sdk, gateway);
            }
            assertEquals(6, mistral.checked(), "every chat, embeddings and completion went to the Mistral stand-in");
            mistral.assertAllValid();
        }
    }

    private static void check(Path sdk, RunningGateway gateway) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "openai-sdk-check.mjs").directory(sdk.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GATEWAY_URL", gateway.url("/v1"));
        Process check = builder.start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "the SDK check did not finish");
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, check.exitValue(), output);
        assertEquals(List.of(
                "streamed: 1 + 1 is 2.",
                "whole: The sum of 1 + 1 is 2.",
                "error: 400 cannot use own model - must be: mistral-tiny",
                "tool call: get_weather {\"city\": \"Paris\"}",
                "reasoning: Paris: 18C.",
                "after the tool: 18C in Paris.",
                "embeddings: 2 0.5,-0.25",
                "fill-in-the-middle: \"    return a + b\"",
                "models: mistral-tiny,mistral-embed,codestral-latest"), output.lines().toList());
    }

    /** Another openai-format route to Mistral.ai's stand-in. */
    private static Map<String, String> route(int index, String path, String routeType, String model, String url) {
        String at = "AI_PROXY_ROUTES_" + index + "__";
        return Map.of(at + "PATHS", path,
                at + "TARGETS_0__ROUTE_TYPE", routeType,
                at + "TARGETS_0__MODEL_PROVIDER", "mistral",
                at + "TARGETS_0__MODEL_NAME", model,
                at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                at + "TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", url,
                at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "true");
    }

    /** Mistral's embeddings, in base64 (float32, little-endian) when asked, as the Node SDK does. */
    private static Reply embeddings(FakeUpstream.Received request) {
        boolean base64 = request.bodyText().contains("\"encoding_format\":\"base64\"");
        ByteBuffer floats = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-0.25f);
        String vector = base64 ? "\"" + Base64.getEncoder().encodeToString(floats.array()) + "\"" : "[0.5,-0.25]";
        return Reply.json(200, "{\"id\":\"e1\",\"object\":\"list\",\"data\":["
                + "{\"object\":\"embedding\",\"embedding\":" + vector + ",\"index\":0},"
                + "{\"object\":\"embedding\",\"embedding\":" + vector + ",\"index\":1}],"
                + "\"model\":\"mistral-embed\",\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4,\"completion_tokens\":0}}");
    }

    /** Mistral's answers: a tool call when tools are offered, a reasoning stream once a tool answered. */
    private static Reply answer(FakeUpstream.Received request) {
        String body = request.bodyText();
        boolean stream = body.contains("\"stream\":true");
        if (body.contains("\"18C\"") && stream) {
            return Reply.stream("text/event-stream", Duration.ofMillis(20), List.of(
                    chunk("{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":"
                            + "[{\"type\":\"text\",\"text\":\"Paris: 18C.\"}]}]}"),
                    chunk("{\"content\":\"18C in Paris.\"}"), "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)));
        }
        if (body.contains("\"tools\"")) {
            return Reply.json(200, "{\"id\":\"m1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mistral-tiny\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
                    + "[{\"id\":\"D681PevKs\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    + "\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"},\"index\":0}]},\"finish_reason\":\"tool_calls\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":9,\"total_tokens\":18}}");
        }
        return stream
                ? Reply.stream("text/event-stream", Duration.ofMillis(20), List.of(
                        chunk("{\"role\":\"assistant\",\"content\":\"1 + 1\"}"), chunk("{\"content\":\" is 2.\"}"),
                        "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)))
                : Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json"));
    }

    private static byte[] chunk(String delta) {
        return ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-tiny\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
