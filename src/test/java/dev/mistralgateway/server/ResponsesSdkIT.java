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
import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.RedisServer;
import dev.mistralgateway.testing.mistral.MistralCloud;

/**
 * The official OpenAI SDK for Node.js calling {@code responses.create} (whole, streamed, a function
 * tool round trip, a custom tool, a follow-up by {@code previous_response_id}) and
 * {@code responses.retrieve} against the packaged server with a real redis-server, on a
 * {@code llm/v1/responses} route to a Mistral.ai stand-in that checks every body against Mistral's
 * published spec.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ResponsesSdkIT {

    @Test
    void theOfficialSdkSpeaksTheResponsesApiToMistral() throws Exception {
        Path sdk = Path.of(System.getProperty("gateway.basedir", "."), "src", "test", "sdk");
        assertTrue(Files.isDirectory(sdk.resolve("node_modules/openai")),
                "the SDK is not installed: run npm ci --prefix src/test/sdk (.ci/run does)");
        try (FakeUpstream upstream = new FakeUpstream(); RedisServer redis = RedisServer.start()) {
            Map<String, String> env = new HashMap<>(
                    RunningGateway.chatRoute("/v1/responses", upstream.url("/v1/chat/completions")));
            env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/responses");
            env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "true");
            // stored responses need the fleet's Redis; a deadline the loaded test machine keeps
            env.put("QUARKUS_REDIS_HOSTS", redis.url());
            env.put("AI_PROXY_SHARED_STATE_DEADLINE", "1000");
            MistralCloud mistral = MistralCloud.guard(upstream);
            upstream.reply("/v1/chat/completions", ResponsesSdkIT::answer);
            try (RunningGateway gateway = RunningGateway.start(env)) {
                ProcessBuilder builder = new ProcessBuilder("node", "responses-sdk-check.mjs").directory(sdk.toFile())
                        .redirectErrorStream(true);
                builder.environment().put("GATEWAY_URL", gateway.url("/v1"));
                Process check = builder.start();
                assertTrue(check.waitFor(60, TimeUnit.SECONDS), "the SDK check did not finish");
                String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, check.exitValue(), output);
                assertEquals(List.of(
                        "whole: completed 1 + 1 is 2.",
                        "streamed: 1 + 1 is 2. (response.completed)",
                        "function call: get_weather {\"city\": \"Paris\"}",
                        "after the tool: 18C in Paris.",
                        "custom tool call: apply_patch \"*** Begin Patch\"",
                        "follow-up: plum. (previous_response_id echoed)",
                        "retrieved: same id completed Noted."), output.lines().toList());
            }
            assertEquals(7, mistral.checked(), "every request went to the Mistral stand-in");
            mistral.assertAllValid();
            // the follow-up carried the earlier turn, from the store
            String followUp = upstream.received().stream().map(FakeUpstream.Received::bodyText)
                    .filter(body -> body.contains("What is the code word?")).findFirst().orElseThrow();
            assertEquals(Json.tree("[{\"role\":\"user\",\"content\":\"The code word is plum.\"},{\"role\":"
                    + "\"assistant\",\"content\":\"Noted.\"},{\"role\":\"user\",\"content\":\"What is the code word?\"}]"),
                    Json.tree(followUp).get("messages"));
        }
    }

    private static Reply answer(FakeUpstream.Received request) {
        String body = request.bodyText();
        if (body.contains("What is the code word?")) {
            // only a follow-up that carries the earlier turn knows the word
            return whole("{\"role\":\"assistant\",\"content\":\"" + (body.contains("plum") ? "plum." : "no idea.")
                    + "\"}", "stop");
        }
        if (body.contains("The code word is plum.")) {
            return whole("{\"role\":\"assistant\",\"content\":\"Noted.\"}", "stop");
        }
        if (body.contains("\"stream\":true")) {
            return Reply.stream("text/event-stream", Duration.ofMillis(10), List.of(
                    chunk("{\"role\":\"assistant\",\"content\":\"1 + 1 \"}", "null"),
                    chunk("{\"content\":\"is 2.\"}", "\"stop\""), "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)));
        }
        if (body.contains("\"role\":\"tool\"")) {
            return whole("{\"role\":\"assistant\",\"content\":\"18C in Paris.\"}", "stop");
        }
        if (body.contains("apply_patch")) {
            return whole("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"P4tch0001\",\"type\":"
                    + "\"function\",\"function\":{\"name\":\"apply_patch\",\"arguments\":"
                    + "\"{\\\"input\\\": \\\"*** Begin Patch\\\"}\"}}]}", "tool_calls");
        }
        if (body.contains("get_weather")) {
            return whole("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"W3ather01\",\"type\":"
                    + "\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                    + "\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}", "tool_calls");
        }
        return whole("{\"role\":\"assistant\",\"content\":\"1 + 1 is 2.\"}", "stop");
    }

    private static Reply whole(String message, String finish) {
        return Reply.json(200, "{\"id\":\"m1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mistral-tiny\","
                + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + finish + "\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14}}");
    }

    private static byte[] chunk(String delta, String finish) {
        return ("data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-tiny\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
