package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;

/**
 * The official OpenAI SDK for Node.js, unchanged, against the packaged server: a streamed chat, a
 * whole one and an error, as an app would make them ({@code src/test/sdk}, installed by .ci/run).
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class OpenAiSdkIT {

    @Test
    void theOfficialSdkStreamsChatsAndReadsErrors() throws Exception {
        Path sdk = Path.of(System.getProperty("gateway.basedir", "."), "src", "test", "sdk");
        assertTrue(Files.isDirectory(sdk.resolve("node_modules/openai")),
                "the SDK is not installed: run npm ci --prefix src/test/sdk (.ci/run does)");
        try (FakeUpstream upstream = new FakeUpstream();
                RunningGateway gateway = RunningGateway.start(
                        RunningGateway.chatRoute("/v1/chat/completions", upstream.url("/v1/chat/completions")))) {
            upstream.reply("/v1/chat/completions", request -> request.bodyText().contains("\"stream\":true")
                    ? Reply.stream("text/event-stream", Duration.ofMillis(20), List.of(
                            chunk("{\"role\":\"assistant\",\"content\":\"1 + 1\"}"), chunk("{\"content\":\" is 2.\"}"),
                            "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)))
                    : Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json")));

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
                    "error: 400 cannot use own model - must be: mistral-tiny"), output.lines().toList());
        }
    }

    private static byte[] chunk(String delta) {
        return ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-tiny\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
