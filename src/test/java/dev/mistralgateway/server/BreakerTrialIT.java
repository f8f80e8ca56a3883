package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;

/**
 * A circuit breaker's trial on the packaged server, where requests run concurrently (the Lambda
 * handler serves one at a time): a one-target route whose target failed, with {@code MAX_FAILS=1}.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class BreakerTrialIT {

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static final String GOOD = Fixtures.kong("mistral/llm-v1-chat/responses/good.json");

    private static FakeUpstream upstream;
    private static RunningGateway gateway;
    /** java.net.http offers an h2c upgrade by default; the server declines it and answers over HTTP/1.1. */
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        Map<String, String> env = new HashMap<>(
                RunningGateway.chatRoute("/mistral-chat", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_ROUTES_0__BALANCER_MAX_FAILS", "1");
        env.put("AI_PROXY_ROUTES_0__BALANCER_FAIL_TIMEOUT", "300");
        env.put("AI_PROXY_ROUTES_0__BALANCER_FAILOVER_CRITERIA", "error,timeout,http_500,non_idempotent");
        gateway = RunningGateway.start(env);
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Fails the target once, which opens its breaker, and waits until it may have its trial. */
    @BeforeEach
    void openTheBreaker() throws Exception {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(500, "{\"error\":{\"message\":\"down\"}}"));
        HttpResponse<String> failed = post();
        if (failed.statusCode() == 503) {
            // a trial of the test before is still resting the target
            Thread.sleep(400);
            failed = post();
        }
        assertEquals(500, failed.statusCode(), failed.body());
        Thread.sleep(400);
    }

    /**
     * A client that leaves before the upstream's headers arrive: the attempt it abandons still ends
     * in the balancer's books. It was the target's one trial; were it never released, the route
     * would answer 503 until restart.
     */
    @Test
    void aTrialAbandonedByItsClientLeavesTheTargetUsable() throws Exception {
        // the trial: its upstream is slow, and its client leaves before the headers
        upstream.reply("/v1/chat/completions", Reply.json(200, GOOD).delayedBy(Duration.ofMillis(1500)));
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mistral-chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
        }
        Thread.sleep(300);

        upstream.reply("/v1/chat/completions", Reply.json(200, GOOD));
        HttpResponse<String> next = post();
        assertEquals(200, next.statusCode(), "the abandoned trial still holds the target: " + next.body());
    }

    /** While the one trial is in flight the route is busy, not rate limited: 503, not 429. */
    @Test
    void whileItsOnlyTargetIsOnTrialTheRouteAnswers503() throws Exception {
        upstream.reply("/v1/chat/completions", Reply.json(200, GOOD).delayedBy(Duration.ofMillis(1000)));
        CompletableFuture<HttpResponse<String>> trial = client.sendAsync(request(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);

        HttpResponse<String> during = post();
        assertEquals(503, during.statusCode(), during.body());
        assertEquals("1", during.headers().firstValue("Retry-After").orElse(null));
        assertEquals(200, trial.get().statusCode());
    }

    private HttpResponse<String> post() throws Exception {
        return client.send(request(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request() {
        return HttpRequest.newBuilder(URI.create(gateway.url("/mistral-chat")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
    }
}
