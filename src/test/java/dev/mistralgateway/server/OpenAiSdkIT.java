package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * whole one, an error, and a tool conversation with a reasoning answer, as an app would make them
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
            MistralCloud mistral = MistralCloud.guard(upstream);
            upstream.reply("/v1/chat/completions", OpenAiSdkIT::answer);
            try (RunningGateway gateway = RunningGateway.start(mistralCloud)) {
                check(sdk, gateway);
            }
            assertEquals(4, mistral.checked(), "every chat went to the Mistral stand-in");
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
                "after the tool: 18C in Paris."), output.lines().toList());
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
