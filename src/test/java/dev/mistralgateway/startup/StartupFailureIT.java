package dev.mistralgateway.startup;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.PackagedApp;

/**
 * The packaged function, started as Lambda starts it, with a wrong environment: it must refuse to
 * start and say which variable to fix, rather than answer wrongly.
 */
class StartupFailureIT {

    private record Run(int exitCode, String output) {
    }

    private static Run start(Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile("gateway-start", ".log");
        ProcessBuilder builder = new ProcessBuilder(PackagedApp.command())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the gateway neither started nor failed within 60 s:\n" + Files.readString(log));
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void noRouteAtAllStopsTheStartAndSaysHowToConfigureOne() throws Exception {
        Run run = start(Map.of());

        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("no route is configured"), run.output());
        assertTrue(run.output().contains("AI_PROXY_ROUTES_0__PATHS"), run.output());
    }

    @Test
    void missingMistralFormatStopsTheStartAndNamesTheVariable() throws Exception {
        Run run = start(Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/mistral-chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer sk-startup-secret-77"));

        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT: "
                + "must set 'model.options.mistral_format' for mistral provider"), run.output());
        assertTrue(!run.output().contains("sk-startup-secret-77"), "the key must not be logged:\n" + run.output());
    }

    @Test
    void aKeyThatCannotBeReadFromAwsStopsTheStart() throws Exception {
        Run run = start(Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/mistral-chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer {{aws-secret:mistral/api-key}}",
                "AI_PROXY_SECRETS_ENDPOINT", "http://127.0.0.1:1"));

        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Credentials could not be read from AWS"), run.output());
        assertTrue(run.output().contains("Bearer {{aws-secret:mistral/api-key}}"), run.output());
    }
}
