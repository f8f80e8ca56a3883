package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.Json;

/**
 * The packaged server ({@code -Pserver}) on a raw socket, so the test decides what of a body is
 * sent and when: a refusal (a missing client key, a declared or counted size over the limit)
 * comes back before the body has arrived, in the OpenAI error shape, and the server's own limit
 * follows the largest route limit. Each refusal must come within a few seconds with the body
 * unsent: a server that waits for the body to read it first fails here on the read timeout.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ServerBodyLimitsIT {

    private static final String CLIENT_KEY = "limits-key-3b9a";
    private static final int READ_TIMEOUT_MS = 5_000;

    private static FakeUpstream upstream;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        String chat = upstream.url("/v1/chat/completions");
        Map<String, String> env = new HashMap<>(RunningGateway.chatRoute("/open", chat));
        env.putAll(route(1, "/keyed", chat));
        env.put("AI_PROXY_ROUTES_1__CLIENT_AUTH_KEY_SHA256", sha256Hex(CLIENT_KEY));
        env.putAll(route(2, "/bigger", chat));
        // Kong's limit before 3.13, small enough for these tests' bodies to pass it (the default is 1 MiB now)
        env.put("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "8192");
        env.put("AI_PROXY_ROUTES_1__MAX_REQUEST_BODY_SIZE", "8192");
        env.put("AI_PROXY_ROUTES_2__MAX_REQUEST_BODY_SIZE", "20000");
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

    @BeforeEach
    void reset() {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json")));
    }

    private static Map<String, String> route(int index, String path, String url) {
        String at = "AI_PROXY_ROUTES_" + index + "__";
        return Map.of(at + "PATHS", path,
                at + "TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                at + "TARGETS_0__MODEL_PROVIDER", "mistral",
                at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                at + "TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", url);
    }

    private static String sha256Hex(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** A chat body of exactly this many bytes. */
    private static byte[] chatOf(int bytes) {
        String head = "{\"model\":\"mistral-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        return (head + "x".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static Socket connect() throws IOException {
        return connect(gateway);
    }

    private static Socket connect(RunningGateway to) throws IOException {
        Socket socket = new Socket("127.0.0.1", to.port());
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String head(String path, String... headers) {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** One HTTP/1.1 answer with a Content-Length body, as read off the socket. */
    private record Answer(int status, Map<String, String> headers, String body) {
        JsonNode error() {
            return Json.tree(body).path("error");
        }
    }

    private static Answer read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the connection closed before an answer:\n" + head);
                }
                head.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + READ_TIMEOUT_MS + " ms while the body was still unsent: "
                    + "the server waits for the body before refusing it", e);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static void assertJsonError(Answer answer, int status, String type, String message) {
        assertEquals(status, answer.status(), answer.toString());
        assertTrue(answer.headers().getOrDefault("content-type", "").startsWith("application/json"), answer.toString());
        assertEquals(type, answer.error().path("type").asText(), answer.body());
        assertEquals(message, answer.error().path("message").asText(), answer.body());
    }

    @Test
    void aDeclaredLengthOverTheRouteLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = connect()) {
            send(socket, head("/open", "Content-Length: 100000"));

            Answer answer = read(socket);

            assertJsonError(answer, 413, "invalid_request_error",
                    "request body is 100000 bytes, larger than this route's max_request_body_size of 8192 bytes");
            assertEquals("close", answer.headers().get("connection"), "a refused body is not read: the connection ends");
        }
    }

    @Test
    void withoutTheKeyTheAnswerIsA401BeforeTheBodyIsSent() throws Exception {
        try (Socket socket = connect()) {
            send(socket, head("/keyed", "Content-Length: 5000000"));

            assertJsonError(read(socket), 401, "authentication_error",
                    "this route needs an API key: send it as Authorization: Bearer <key>");
        }
        try (Socket socket = connect()) {
            send(socket, head("/keyed", "Transfer-Encoding: chunked", "Authorization: Bearer wrong"));
            send(socket, "400\r\n" + "x".repeat(0x400) + "\r\n");

            Answer answer = read(socket);
            assertEquals(401, answer.status(), answer.toString());
        }
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aChunkedBodyIsCountedAsItArrivesAndStoppedPastTheLimit() throws Exception {
        try (Socket socket = connect()) {
            send(socket, head("/open", "Transfer-Encoding: chunked"));
            // 9 chunks of 1 KiB: past the 8192 bytes of the route, and the body never ends
            for (int i = 0; i < 9; i++) {
                send(socket, "400\r\n" + "x".repeat(0x400) + "\r\n");
            }

            assertJsonError(read(socket), 413, "invalid_request_error",
                    "request body is larger than this route's max_request_body_size of 8192 bytes");
            // the rest of a refused body is not waited for long: the connection ends though the body never did
            assertEquals(-1, socket.getInputStream().read(), "the connection stayed open for the rest of the body");
        }
        assertEquals(0, upstream.received().size());
    }

    @Test
    void bodiesWithinTheLimitStillGoThroughChunkedOrNot() throws Exception {
        byte[] body = chatOf(8192);
        try (Socket socket = connect()) {
            send(socket, head("/open", "Content-Length: " + body.length) + new String(body, StandardCharsets.ISO_8859_1));
            assertEquals(200, read(socket).status());
        }
        try (Socket socket = connect()) {
            send(socket, head("/open", "Transfer-Encoding: chunked"));
            for (int at = 0; at < body.length; at += 1000) {
                int n = Math.min(1000, body.length - at);
                send(socket, Integer.toHexString(n) + "\r\n" + new String(body, at, n, StandardCharsets.ISO_8859_1) + "\r\n");
            }
            send(socket, "0\r\n\r\n");
            assertEquals(200, read(socket).status());
        }
        assertEquals(2, upstream.received().size());
        String content = Json.tree(new String(body, StandardCharsets.UTF_8)).at("/messages/0/content").asText();
        for (FakeUpstream.Received sent : upstream.received()) {
            assertEquals(content, Json.tree(sent.bodyText()).at("/messages/0/content").asText());
        }
    }

    /**
     * The routes allow at most 20000 bytes (8192, 8192, 20000): so does the server, on any path whose body is
     * read at all (a path without a route is answered 404 unread; Quarkus's own, under /q/, are read).
     */
    @Test
    void theServersOwnLimitIsTheLargestRouteLimit() throws Exception {
        byte[] fits = chatOf(20000);
        try (Socket socket = connect()) {
            send(socket, head("/bigger", "Content-Length: " + fits.length) + new String(fits, StandardCharsets.ISO_8859_1));
            assertEquals(200, read(socket).status());
        }
        try (Socket socket = connect()) {
            send(socket, head("/q/nowhere", "Content-Length: 20001"));

            assertJsonError(read(socket), 413, "invalid_request_error",
                    "request body is 20001 bytes, larger than the gateway's limit of 20000 bytes");
        }
        try (Socket socket = connect()) {
            send(socket, head("/nowhere", "Content-Length: 2"));
            send(socket, "{}");
            assertEquals(404, read(socket).status());
        }
    }

    /**
     * A route without a limit of its own leaves the server Quarkus's 10 MB: over it, the answer is
     * the gateway's JSON (it was Quarkus's empty 413), at once when declared, and a client that
     * sends the whole body anyway still reads it, not a reset connection.
     */
    @Test
    void overQuarkussTenMegabytesTheAnswerIsTheOpenAiErrorShapeToo() throws Exception {
        Map<String, String> env = new HashMap<>(RunningGateway.chatRoute("/unlimited", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "0");
        int eleven = 11 * 1024 * 1024;
        String message = "request body is " + eleven + " bytes, larger than the gateway's limit of 10485760 bytes";
        try (RunningGateway unlimited = RunningGateway.start(env)) {
            try (Socket socket = connect(unlimited)) {
                send(socket, head("/unlimited", "Content-Length: " + eleven));
                assertJsonError(read(socket), 413, "invalid_request_error", message);
            }

            HttpResponse<String> sent = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(unlimited.url("/unlimited")))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(chatOf(eleven))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, sent.statusCode(), sent.body());
            assertEquals(message, Json.tree(sent.body()).path("error").path("message").asText());

            byte[] ten = chatOf(10 * 1024 * 1024);
            try (Socket socket = connect(unlimited)) {
                send(socket,
                        head("/unlimited", "Content-Length: " + ten.length) + new String(ten, StandardCharsets.ISO_8859_1));
                assertEquals(200, read(socket).status());
            }
        }
        assertEquals(1, upstream.received().size());
    }

    /**
     * The case: a small heap, a route whose body may be 10 MB, and a dozen clients without
     * its key each sending 10 MB at once. Each gets its 401 and none of the bodies is kept (before,
     * each was read whole first), so a client with the key is still served afterwards.
     */
    @Test
    void aDozenLargeBodiesWithoutTheKeyLeaveASmallHeapUntouched() throws Exception {
        Map<String, String> env = new HashMap<>(RunningGateway.chatRoute("/keyed", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "0");
        env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", sha256Hex(CLIENT_KEY));
        byte[] tenMegabytes = chatOf(10 * 1024 * 1024);
        try (RunningGateway small = RunningGateway.start(env, "-Xmx64m")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                sent.add(client.sendAsync(HttpRequest.newBuilder(URI.create(small.url("/keyed")))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(tenMegabytes)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : sent) {
                assertEquals(401, answer.get(60, TimeUnit.SECONDS).statusCode(), answer.get().body());
            }

            HttpResponse<String> keyed = client.send(HttpRequest.newBuilder(URI.create(small.url("/keyed")))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + CLIENT_KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(chatOf(1024 * 1024))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, keyed.statusCode(), keyed.body());
        }
        assertEquals(1, upstream.received().size());
    }

    /** No route, no reading: a POST to a path without a route is answered 404 before any of its body is read. */
    @Test
    void aPostToAPathWithoutARouteIs404BeforeItsBodyIsRead() throws Exception {
        try (Socket socket = connect()) {
            send(socket, head("/nowhere", "Transfer-Encoding: chunked"));
            send(socket, "400\r\n" + "x".repeat(0x400) + "\r\n");

            assertJsonError(read(socket), 404, "not_found_error", "no route matches the path /nowhere");
        }
        try (Socket socket = connect()) {
            send(socket, head("/nowhere", "Content-Length: 5000000"));

            Answer answer = read(socket);
            assertJsonError(answer, 404, "not_found_error", "no route matches the path /nowhere");
            assertEquals("close", answer.headers().get("connection"), "the unread body is not waited for");
        }
        assertEquals(0, upstream.received().size());
    }

    /**
     * A client that sends its body a byte at a time cannot hold the server's memory: the body must arrive
     * within the deadline ({@code AI_PROXY_REQUEST_BODY_TIMEOUT}), else a 408 ends the connection; and
     * connections past the cap ({@code QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS}) are closed at once.
     */
    @Test
    void aBodySentSlowlyIsCutAtTheDeadlineAndConnectionsAreCapped() throws Exception {
        Map<String, String> env = new HashMap<>(RunningGateway.chatRoute("/open", upstream.url("/v1/chat/completions")));
        env.put("AI_PROXY_REQUEST_BODY_TIMEOUT", "1500");
        env.put("QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS", "3");
        try (RunningGateway strict = RunningGateway.start(env)) {
            try (Socket socket = connect(strict)) {
                byte[] body = chatOf(1000);
                send(socket, head("/open", "Content-Length: " + body.length));
                long start = System.nanoTime();
                Answer answer = null;
                socket.setSoTimeout(300);
                // a byte every 300 ms, for 6 s at most: the body (1000 bytes) is never complete
                for (int at = 0; at < 20 && answer == null; at++) {
                    send(socket, new String(body, at, 1, StandardCharsets.ISO_8859_1));
                    try {
                        socket.setSoTimeout(300);
                        answer = read(socket);
                    } catch (AssertionError stillWaiting) {
                        // no answer yet: one more byte
                    }
                }
                long took = (System.nanoTime() - start) / 1_000_000;
                socket.setSoTimeout(READ_TIMEOUT_MS);
                if (answer == null) {
                    throw new AssertionError("a body sent a byte at a time was still being read after " + took + " ms");
                }
                assertJsonError(answer, 408, "invalid_request_error",
                        "the request body did not arrive within 1500 ms; send it at once");
                assertTrue(took >= 1_400 && took < 4_000, "refused after " + took + " ms");
            }
            List<Socket> idle = new ArrayList<>();
            try {
                // three clients that send a head and then a body slowly: the slow-loris shape
                while (idle.size() < 3) {
                    idle.add(heldOpen(strict));
                }
                try (Socket fourth = connect(strict)) {
                    send(fourth, head("/open", "Content-Length: 2") + "{}");
                    assertEquals(-1, fourth.getInputStream().read(), "a fourth connection was served");
                } catch (SocketException closed) {
                    // closed by the server at once: what the cap does
                }
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    /**
     * A connection the server took and holds, waiting for the rest of its body. The server counts a
     * closed connection out only once it has seen the close, a moment after the client's: a connection
     * opened right after another closed may still find the cap full, and be closed at once. So each is
     * tried until the server keeps it (the cap refusing a connection is what the caller checks).
     */
    private static Socket heldOpen(RunningGateway gateway) throws Exception {
        for (int tries = 0; tries < 20; tries++) {
            Socket held = connect(gateway);
            send(held, head("/open", "Content-Length: 100") + "{");
            held.setSoTimeout(200);
            try {
                if (held.getInputStream().read() == -1) {
                    held.close();
                    continue;
                }
                throw new AssertionError("a request with half its body was answered");
            } catch (SocketTimeoutException stillHeld) {
                held.setSoTimeout(READ_TIMEOUT_MS);
                return held;
            } catch (SocketException closed) {
                held.close();
            }
        }
        throw new AssertionError("the server kept none of 20 connections, with fewer than 3 open");
    }
}
