package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FaultyUpstream;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.Json;

/**
 * Clients that are slow or leave, against the packaged server: a client that stops reading a long stream for
 * longer than the read timeout is no failure of a healthy upstream (its breaker stays closed, the stream goes on
 * when the client reads again), and a client that leaves is reported as 499, whether it waited for a stream or a
 * whole answer, and its upstream call is closed, also when the upstream's head (of a stream or a whole answer)
 * comes after the client left.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ServerSlowClientIT {

    /** Far more than the socket buffers between upstream, gateway and client hold: the client's pause is felt. */
    private static final int EVENTS = 20_000;

    private static FakeUpstream upstream;
    private static FaultyUpstream faulty;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        Map<String, String> env = new HashMap<>(
                RunningGateway.chatRoute("/mistral-chat", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_ROUTES_0__BALANCER_READ_TIMEOUT", "1000");
        env.put("AI_PROXY_ROUTES_0__BALANCER_MAX_FAILS", "1");
        env.put("AI_PROXY_ROUTES_0__BALANCER_FAIL_TIMEOUT", "60000");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__LOGGING_LOG_STATISTICS", "true");
        // the same without a breaker, for clients that leave
        env.putAll(RunningGateway.chatRoute(1, "/plain", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__LOGGING_LOG_STATISTICS", "true");
        // an upstream whose head comes after the client has left, with a read timeout far longer than the test
        faulty = new FaultyUpstream();
        env.putAll(RunningGateway.chatRoute(2, "/late", faulty.url("/fault/late-head-stall")));
        env.put("AI_PROXY_ROUTES_2__BALANCER_READ_TIMEOUT", "30000");
        gateway = RunningGateway.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        RunningGateway.stop(gateway, upstream);
        faulty.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static Socket post(String body, String requestId, int receiveBuffer) throws IOException {
        return post("/mistral-chat", body, requestId, receiveBuffer);
    }

    private static Socket post(String path, String body, String requestId, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Request-Id: " + requestId + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    private static String streamBody() {
        return "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
    }

    private static void replyWithLongStream() {
        List<byte[]> chunks = new ArrayList<>();
        String padding = "x".repeat(1000);
        for (int i = 0; i < EVENTS; i++) {
            chunks.add(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + padding + "\"}}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        chunks.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", Duration.ZERO, chunks));
    }

    @Test
    void aClientThatPausesLongerThanTheReadTimeoutIsNoUpstreamFailure() throws Exception {
        replyWithLongStream();
        String whole;
        try (Socket socket = post(streamBody(), "req-slow-reader", 4096)) {
            InputStream in = socket.getInputStream();
            byte[] first = in.readNBytes(2048);
            assertTrue(new String(first, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
            // stops reading for four read timeouts
            int sentBefore = upstream.chunksSent();
            Thread.sleep(4_000);
            System.out.printf("slow reader: the upstream sent %d pieces before the pause, %d after it, of %d%n",
                    sentBefore, upstream.chunksSent(), EVENTS + 1);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            String tail = "";
            while (!tail.contains("data: [DONE]") && !tail.contains("\"error\"")) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                rest.write(buffer, 0, n);
                tail = new String(buffer, Math.max(0, n - 400), Math.min(n, 400), StandardCharsets.UTF_8);
            }
            whole = rest.toString(StandardCharsets.UTF_8);
        }
        assertFalse(whole.contains("\"error\""), whole.substring(Math.max(0, whole.length() - 600)));
        assertTrue(whole.contains("data: [DONE]"));
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(5));
        assertEquals(1, upstream.streamsCompleted(), "the upstream was cut off while the client paused");

        // the breaker (MAX_FAILS=1) did not open: the next request is served
        upstream.reply("/v1/chat/completions", Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json")));
        HttpResponse<String> next = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(gateway.url("/mistral-chat")))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, next.statusCode(), next.body());
        assertEquals(200, statusReportedFor("req-slow-reader"));
    }

    @Test
    void aClientThatLeavesBeforeAWholeAnswerIsReportedAs499() throws Exception {
        upstream.reply("/v1/chat/completions", Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json"))
                .delayedBy(Duration.ofMillis(700)));
        try (Socket socket = post("/plain", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "req-left-whole", 0)) {
            Thread.sleep(300);
        }
        assertEquals(499, statusReportedFor("req-left-whole"));
    }

    @Test
    void anAnswerWhoseHeadComesAfterTheClientLeftIsClosedAtOnce() throws Exception {
        leaveBeforeTheLateHead("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "req-left-late");
    }

    @Test
    void aStreamWhoseHeadComesAfterTheClientLeftIsClosedAtOnce() throws Exception {
        leaveBeforeTheLateHead(streamBody(), "req-left-late-stream");
    }

    private static void leaveBeforeTheLateHead(String body, String requestId) throws Exception {
        // a call another test left open is not this test's (it would stay open for the upstream's 30 s)
        int before = faulty.openConnections();
        try (Socket socket = post("/late", body, requestId, 0)) {
            Thread.sleep(200);
        }
        // the head comes at 600 ms; the gateway, whose client is gone, closes the call then, not at the read timeout
        long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (faulty.openConnections() > before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(before, faulty.openConnections(), "the upstream call is still open after the client left");
    }

    @Test
    void aClientThatLeavesAStreamIsReportedAs499() throws Exception {
        replyWithLongStream();
        try (Socket socket = post("/plain", streamBody(), "req-left-stream", 0)) {
            String first = new String(socket.getInputStream().readNBytes(2048), StandardCharsets.UTF_8);
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
        }
        assertEquals(499, statusReportedFor("req-left-stream"));
    }

    /** The status of the statistics line of this request, once it is written (a few seconds at most). */
    private static int statusReportedFor(String requestId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : gateway.logText().lines().toList()) {
                if (line.startsWith("{") && line.contains("\"ai_proxy\"") && line.contains(requestId)) {
                    JsonNode meta = Json.tree(line).at("/ai_proxy/meta");
                    return meta.get("status").intValue();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no statistics line for " + requestId + ":\n" + gateway.logText());
    }
}
