package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
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

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;

/**
 * A {@code preserve} route in the packaged plain-HTTP server ({@code -Pserver}), configured by
 * environment variables: an upstream's event stream reaches the client as it comes, and a chunked
 * multipart upload (no Content-Length) reaches the upstream byte for byte.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ServerPreserveIT {

    private static final int EVENTS = 8;
    private static final Duration PAUSE = Duration.ofMillis(300);

    private static FakeUpstream upstream;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/v1/conversations,/v1/audio/transcriptions");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "preserve");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", upstream.url(""));
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer upstream-key");
        env.put("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "1048576");
        gateway = RunningGateway.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        RunningGateway.stop(gateway, upstream);
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @Test
    void theFirstEventArrivesBeforeTheUpstreamSendsItsLast() throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            chunks.add(("event: message.output.delta\ndata: {\"type\":\"message.output.delta\",\"content\":\"" + i
                    + "\"}\n\n").getBytes(StandardCharsets.UTF_8));
        }
        upstream.reply("/v1/conversations", Reply.stream("text/event-stream", PAUSE, chunks));
        String body = "{\"model\":\"mistral-medium-latest\",\"inputs\":\"count\",\"stream\":true}";
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = ServerStreamingIT.readUntil(in, "\"content\":\"0\"");
            int sentWhenFirstArrived = upstream.chunksSent();

            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-type: text/event-stream"), head);
            assertTrue(sentWhenFirstArrived < EVENTS, "the upstream had already sent " + sentWhenFirstArrived
                    + " of " + EVENTS + " pieces: the gateway buffered the stream");
            ServerStreamingIT.readUntil(in, "\"content\":\"" + (EVENTS - 1) + "\"");
        }
        assertEquals(body, upstream.only().bodyText());
    }

    @Test
    void aChunkedMultipartUploadArrivesByteForByte() throws Exception {
        upstream.reply("/v1/audio/transcriptions", Reply.json(200, "{\"model\":\"voxtral-mini-2507\",\"text\":\"Hi\"}"));
        String boundary = "server-boundary";
        ByteArrayOutputStream upload = new ByteArrayOutputStream();
        upload.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nvoxtral-mini-2507\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 200_000; i++) {
            upload.write(i * 7 + (i >> 9));
        }
        upload.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] body = upload.toByteArray();

        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(gateway.url("/v1/audio/transcriptions")))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        // from a stream of unknown length: sent chunked, with no Content-Length to check first
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"model\":\"voxtral-mini-2507\",\"text\":\"Hi\"}", answer.body());
        FakeUpstream.Received sent = upstream.only();
        assertArrayEquals(body, sent.body());
        assertEquals("Bearer upstream-key", sent.header("Authorization"));
    }

    /** curl sends {@code Expect: 100-continue} before an upload of over 1 MB and waits a second for the go-ahead. */
    @Test
    void anUploadThatAsksToContinueGetsTheGoAheadAtOnce() throws Exception {
        upstream.reply("/v1/audio/transcriptions", Reply.json(200, "{\"text\":\"Hi\"}"));
        byte[] body = "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nvoxtral-mini-2507\r\n--b--\r\n"
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(800);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            // within 800 ms, well before curl's own wait of one second runs out
            String interim = ServerStreamingIT.readUntil(socket.getInputStream(), "\r\n\r\n");
            assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
            out.write(body);
            out.flush();
            socket.setSoTimeout(10_000);
            String answer = ServerStreamingIT.readUntil(socket.getInputStream(), "{\"text\":\"Hi\"}");
            assertTrue(answer.contains("HTTP/1.1 200"), answer);
            assertTrue(!answer.contains("HTTP/1.1 100"), "a second go-ahead: " + answer);
        }
        assertArrayEquals(body, upstream.only().body());
    }

    /** The server build writes a GET's and a DELETE's answer whole, binary bytes as they came. */
    @Test
    void aGetBelowTheRoutesPathComesBackByteForByteAndADeleteGoesOn() throws Exception {
        byte[] content = new byte[3_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 13 + (i >> 4));
        }
        upstream.reply("/v1/conversations/conv-1/history",
                new Reply(200, Map.of("Content-Type", "application/octet-stream"), content, Duration.ZERO));
        upstream.reply("/v1/conversations/conv-1", Reply.json(200, "{\"deleted\":true}"));
        HttpClient client = HttpClient.newHttpClient();

        HttpResponse<byte[]> got = client.send(HttpRequest.newBuilder(
                URI.create(gateway.url("/v1/conversations/conv-1/history?page=0"))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> deleted = client.send(HttpRequest.newBuilder(
                URI.create(gateway.url("/v1/conversations/conv-1"))).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, got.statusCode());
        assertEquals("application/octet-stream", got.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(content, got.body());
        assertEquals(200, deleted.statusCode());
        assertEquals("{\"deleted\":true}", deleted.body());
        assertEquals("GET", upstream.received().get(0).method());
        assertEquals("page=0", upstream.received().get(0).query());
        assertEquals("DELETE", upstream.received().get(1).method());
        assertEquals("/v1/conversations/conv-1", upstream.received().get(1).path());
    }

    /** A PATCH's body is read by the server's intake as a POST's is, and goes on as it came. */
    @Test
    void aPatchGoesOnWithItsBody() throws Exception {
        String update = "{\"metadata\": {\"topic\": \"billing\"}}";
        upstream.reply("/v1/conversations/conv-1", Reply.json(200, "{\"id\":\"conv-1\"}"));

        HttpResponse<String> patched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(gateway.url("/v1/conversations/conv-1"))).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(update)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, patched.statusCode());
        assertEquals("{\"id\":\"conv-1\"}", patched.body());
        assertEquals("PATCH", upstream.only().method());
        assertEquals(update, new String(upstream.only().body(), StandardCharsets.UTF_8));
    }
}
