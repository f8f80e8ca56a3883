package dev.mistralgateway.locallambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;

/**
 * The real artifact, {@code target/function.zip}, run by AWS's Runtime Interface Client against a
 * local Runtime API: one chat and one stream, with the cold start and warm times printed.
 */
@DisabledIfSystemProperty(named = "gateway.entry", matches = "server")
class LocalLambdaIT {

    @Test
    void theFunctionZipAnswersAsOnAws() throws Exception {
        Path target = Path.of(System.getProperty("gateway.build.directory", "target"));
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.reply("/v1/chat/completions", request -> request.bodyText().contains("\"stream\":true")
                    ? Reply.stream("text/event-stream", Duration.ZERO, List.of("data: {\"n\":1}\n\ndata: [DONE]\n\n".getBytes()))
                    : Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json")));
            Map<String, String> environment = new HashMap<>(Map.of(
                    "AI_PROXY_ROUTES_0__PATHS", "/mistral-chat",
                    "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                    "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                    "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "mistral-tiny",
                    "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                    "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", upstream.url("/v1/chat/completions"),
                    "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization",
                    "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer local-key"));
            HttpClient client = HttpClient.newHttpClient();
            long start = System.nanoTime();
            try (LocalLambda lambda = LocalLambda.start(target.resolve("function.zip"), target.resolve("lambda-runtime"),
                    target.resolve("local-lambda"), environment, 0)) {
                HttpRequest chat = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lambda.port() + "/mistral-chat"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}"))
                        .build();

                HttpResponse<String> first = client.send(chat, HttpResponse.BodyHandlers.ofString());
                long cold = System.nanoTime() - start;

                assertEquals(200, first.statusCode(), first.body());
                assertEquals("mistral/mistral-tiny", first.headers().firstValue("X-AI-Proxy-Model").orElse(null));
                assertTrue(first.body().contains("The sum of 1 + 1 is 2."), first.body());
                assertEquals("Bearer local-key", upstream.received().get(0).header("Authorization"));

                int warm = 20;
                long warmStart = System.nanoTime();
                for (int i = 0; i < warm; i++) {
                    assertEquals(200, client.send(chat, HttpResponse.BodyHandlers.ofString()).statusCode());
                }
                long perWarm = (System.nanoTime() - warmStart) / warm;

                HttpResponse<String> stream = client.send(HttpRequest.newBuilder(chat.uri())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, stream.statusCode());
                assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse(null));
                assertEquals("data: {\"n\":1}\n\ndata: [DONE]\n\n", stream.body());

                System.out.printf("local Lambda (JVM, function.zip): cold start to first answer %d ms, "
                        + "warm invocation %.2f ms (mean of %d)%n", cold / 1_000_000, perWarm / 1e6, warm);
            }
        }
    }
}
