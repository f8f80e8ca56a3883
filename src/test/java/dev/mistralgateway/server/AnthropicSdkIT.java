package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.mistral.MistralCloud;

/**
 * The official Anthropic SDK for Node.js ({@code @anthropic-ai/sdk}, in {@code src/test/sdk}),
 * unchanged, against the packaged server: {@code messages.create} whole, the SDK's stream helper
 * (which checks the order of the events and builds the message from them), a tool_use round
 * trip, {@code countTokens} and an error, on an {@code llm_format: anthropic} route to a Mistral.ai
 * stand-in that checks every body against Mistral's spec ({@link MistralCloud}), and on one to an
 * Ollama stand-in.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class AnthropicSdkIT {

    private static final String KEY = "sk-gateway-for-claude";

    @Test
    void theOfficialSdkTalksToMistralAndOllamaThroughTheGateway() throws Exception {
        Path sdk = Path.of(System.getProperty("gateway.basedir", "."), "src", "test", "sdk");
        assertTrue(Files.isDirectory(sdk.resolve("node_modules/@anthropic-ai/sdk")),
                "the SDK is not installed: run npm ci --prefix src/test/sdk (.ci/run does)");
        try (FakeUpstream upstream = new FakeUpstream()) {
            Map<String, String> env = new HashMap<>(route(0, "/v1/messages", "openai", "mistral-small-latest",
                    "claude-sonnet-4-5", upstream.url("/v1/chat/completions")));
            env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "true");
            env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", sha256Hex(KEY));
            env.putAll(route(1, "/ollama/v1/messages", "ollama", "mistral", "claude-haiku-4-5", upstream.url("/api/chat")));
            MistralCloud mistral = MistralCloud.guard(upstream);
            upstream.reply("/v1/chat/completions", AnthropicSdkIT::mistral);
            upstream.reply("/api/chat", AnthropicSdkIT::ollama);
            try (RunningGateway gateway = RunningGateway.start(env)) {
                check(sdk, gateway);
            }
            assertEquals(4, mistral.checked(), "every message but the count and the refused one went to Mistral");
            mistral.assertAllValid();
        }
    }

    private static void check(Path sdk, RunningGateway gateway) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "anthropic-sdk-check.mjs").directory(sdk.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GATEWAY_URL", gateway.url(""));
        builder.environment().put("GATEWAY_KEY", KEY);
        Process check = builder.start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "the SDK check did not finish");
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, check.exitValue(), output);
        assertEquals(List.of(
                "whole: 1 + 1 is 2. | end_turn | in 4 cached 16 out 7",
                "streamed: 1 + 1 is 2. | end_turn | in 20 out 7",
                "tool_use: tool_use get_weather {\"city\":\"Paris\"}",
                "after the tool: 18C in Paris.",
                "count_tokens: true",
                "error: 400 invalid_request_error true",
                "ollama whole: Hello from Ollama. | end_turn",
                "ollama streamed: Hello from Ollama. | max_tokens | out 4"), output.lines().toList());
    }

    /** An anthropic route with one target serving this model, also known by a Claude model's name. */
    private static Map<String, String> route(int index, String path, String format, String model, String alias,
            String url) {
        String at = "AI_PROXY_ROUTES_" + index + "__";
        return Map.of(at + "PATHS", path,
                at + "LLM_FORMAT", "anthropic",
                at + "TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                at + "TARGETS_0__MODEL_PROVIDER", "mistral",
                at + "TARGETS_0__MODEL_NAME", model,
                at + "TARGETS_0__MODEL_ALIAS", alias,
                at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", format,
                at + "TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", url);
    }

    /** Mistral's answers: a tool call when it must call one, the weather once the tool answered, else 1 + 1. */
    private static Reply mistral(FakeUpstream.Received request) {
        String body = request.bodyText();
        boolean stream = body.contains("\"stream\":true");
        String usage = "{\"prompt_tokens\":20,\"completion_tokens\":7,\"total_tokens\":27}";
        if (body.contains("\"tool_choice\":\"any\"")) {
            return Reply.json(200, "{\"id\":\"m1\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
                    + "\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                    + "\"\",\"tool_calls\":[{\"id\":\"D681PevKs\",\"type\":\"function\",\"function\":{\"name\":"
                    + "\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"},\"index\":0}]},"
                    + "\"finish_reason\":\"tool_calls\"}],\"usage\":" + usage + "}");
        }
        String text = body.contains("\"tool_call_id\":\"D681PevKs\"") ? "18C in Paris." : "1 + 1 is 2.";
        if (stream) {
            return Reply.stream("text/event-stream", Duration.ofMillis(20), List.of(
                    chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null", ""),
                    chunk("{\"content\":\"" + text.substring(0, 5) + "\"}", "null", ""),
                    chunk("{\"content\":\"" + text.substring(5) + "\"}", "\"stop\"", ",\"usage\":" + usage),
                    "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)));
        }
        return Reply.json(200, "{\"id\":\"m2\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
                + "\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + text + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":7,"
                + "\"total_tokens\":27,\"prompt_tokens_details\":{\"cached_tokens\":16}}}");
    }

    private static byte[] chunk(String delta, String finish, String usage) {
        return ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-small-latest\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]" + usage + "}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Ollama's answers, whole or as its NDJSON lines, the last one cut at the token cap. */
    private static Reply ollama(FakeUpstream.Received request) {
        if (request.bodyText().contains("\"stream\":true")) {
            return Reply.stream("application/x-ndjson", Duration.ofMillis(20), List.of(
                    "{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\",\"content\":\"Hello \"},\"done\":false}\n"
                            .getBytes(StandardCharsets.UTF_8),
                    ("{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\",\"content\":\"from Ollama.\"},"
                            + "\"done\":true,\"done_reason\":\"length\",\"prompt_eval_count\":9,\"eval_count\":4}\n")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        return Reply.json(200, "{\"model\":\"mistral\",\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hello from Ollama.\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":9,\"eval_count\":4}");
    }

    private static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
