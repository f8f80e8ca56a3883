package dev.mistralgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;

/**
 * The packaged plain-HTTP server ({@code -Pserver}), started with {@code java -jar} and configured
 * by environment variables as a user runs it: events reach the client while the upstream is still
 * generating, and a client that leaves stops the upstream call.
 */
@EnabledIfSystemProperty(named = "gateway.entry", matches = "server")
class ServerStreamingIT {

    private static final int EVENTS = 10;
    private static final Duration PAUSE = Duration.ofMillis(300);

    private static FakeUpstream upstream;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        gateway = RunningGateway.start(RunningGateway.chatRoute("/mistral-chat", upstream.url("/v1/chat/completions")));
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
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            chunks.add(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + i + "\"}}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        chunks.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.reply("/v1/chat/completions", Reply.stream("text/event-stream", PAUSE, chunks));
    }

    /** A raw HTTP/1.1 request, so the test sees bytes as they arrive and can hang up at will. */
    private static Socket postStream() throws IOException {
        String body = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /mistral-chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    /** Reads until the text appears; returns everything read so far (ServerPreserveIT reads so too). */
    static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!read.toString().contains(text)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("the answer ended before '" + text + "':\n" + read);
            }
            read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return read.toString();
    }

    @Test
    void theFirstEventArrivesBeforeTheUpstreamSendsItsLast() throws Exception {
        try (Socket socket = postStream()) {
            String head = readUntil(socket.getInputStream(), "\"content\":\"0\"");
            int sentWhenFirstArrived = upstream.chunksSent();

            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-type: text/event-stream"), head);
            assertTrue(sentWhenFirstArrived < EVENTS, "the upstream had already sent " + sentWhenFirstArrived
                    + " of " + (EVENTS + 1) + " pieces: the gateway buffered the stream");
            String rest = readUntil(socket.getInputStream(), "data: [DONE]");
            assertTrue(rest.contains("\"content\":\"" + (EVENTS - 1) + "\""), rest);
        }
    }

    @Test
    void aClientThatLeavesStopsTheUpstreamCall() throws Exception {
        try (Socket socket = postStream()) {
            readUntil(socket.getInputStream(), "\"content\":\"0\"");
        }
        upstream.awaitStreamsEnded(1, Duration.ofSeconds(5));
        assertEquals(1, upstream.streamsAbandoned(), "the upstream call went on after the client left");
        assertEquals(0, upstream.streamsCompleted());
        assertTrue(upstream.chunksSent() < EVENTS, "sent " + upstream.chunksSent());
    }
}
