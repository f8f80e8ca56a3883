package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.PackagedApp;

/**
 * The packaged server's first answer to the seed's request, from a process just started: the
 * answer as on every run, and the time and memory it took, reported with the artifact's kind (the
 * {@code native} workflow shows them for the native executable beside the JVM's).
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ServerColdStartIT {

    @Test
    void theFirstAnswerOfAFreshProcess() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.reply("/v1/chat/completions", request -> Reply.json(200,
                    Fixtures.kong("mistral/llm-v1-chat/responses/good.json")));
            try (RunningGateway gateway = RunningGateway.start(
                    RunningGateway.chatRoute("/mistral-chat", upstream.url("/v1/chat/completions")))) {
                HttpResponse<String> first = HttpClient.newHttpClient().send(HttpRequest
                        .newBuilder(URI.create(gateway.url("/mistral-chat")))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                long millis = gateway.millisSinceStart();

                assertEquals(200, first.statusCode(), first.body());
                assertTrue(first.body().contains("The sum of 1 + 1 is 2."), first.body());
                // a whole answer's length is known: it goes out with it, not in chunks
                assertEquals(String.valueOf(first.body().getBytes(StandardCharsets.UTF_8).length),
                        first.headers().firstValue("Content-Length").orElse("none"), first.headers().toString());
                assertTrue(first.headers().firstValue("Transfer-Encoding").isEmpty(), first.headers().toString());
                assertEquals("mistral-tiny", Json.tree(upstream.received().get(0).bodyText()).get("model").asText());
                PackagedApp.report("server: process start to first answer", millis + " ms");
                PackagedApp.report("server: resident memory after the first answer", gateway.residentMegabytes() + " MB");
            }
        }
    }
}
