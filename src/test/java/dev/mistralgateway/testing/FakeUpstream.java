package dev.mistralgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP upstream on 127.0.0.1 for tests: it records every request it receives and answers
 * each path with the reply a test scripted for it (404 with a JSON error when none is).
 */
public final class FakeUpstream implements AutoCloseable {

    /** A request as the upstream received it; header names are in lower case. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * A scripted answer; {@code delay} holds it back, to play a slow upstream. A streamed answer
     * has {@code chunks} instead of a body, each flushed on its own with {@code pause} before it.
     */
    public record Reply(int status, Map<String, String> headers, byte[] body, Duration delay, List<byte[]> chunks,
            Duration pause) {

        public Reply(int status, Map<String, String> headers, byte[] body, Duration delay) {
            this(status, headers, body, delay, null, Duration.ZERO);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8),
                    Duration.ZERO);
        }

        /** A 200 stream of these pieces, cut where the test wants them cut, {@code pause} apart. */
        public static Reply stream(String contentType, Duration pause, List<byte[]> chunks) {
            return new Reply(200, Map.of("Content-Type", contentType), new byte[0], Duration.ZERO, chunks, pause);
        }

        /** The text cut into pieces of {@code size} bytes, wherever that falls (mid-line, mid-character). */
        public static List<byte[]> piecesOf(String text, int size) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<byte[]> pieces = new ArrayList<>();
            for (int start = 0; start < bytes.length; start += size) {
                pieces.add(Arrays.copyOfRange(bytes, start, Math.min(bytes.length, start + size)));
            }
            return pieces;
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, all, body, delay, chunks, pause);
        }

        public Reply delayedBy(Duration by) {
            return new Reply(status, headers, body, by, chunks, pause);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Received, Reply>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger chunksSent = new AtomicInteger();
    private final AtomicInteger streamsCompleted = new AtomicInteger();
    private final AtomicInteger streamsAbandoned = new AtomicInteger();
    private volatile Function<Received, Reply> gate;

    public FakeUpstream() {
        this(0);
    }

    /** On a given port of 127.0.0.1; 0 picks a free one. */
    public FakeUpstream(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public void reply(String path, Reply reply) {
        replies.put(path, request -> reply);
    }

    /** Answers as the request deserves, e.g. 401 unless it carries the right key, like a real upstream. */
    public void reply(String path, Function<Received, Reply> responder) {
        replies.put(path, responder);
    }

    /**
     * A check every request passes before its scripted reply, e.g. a real upstream's validation of
     * the body: when it answers (non-null), that answer is sent instead of the scripted one; null lets
     * the scripted reply through. One gate at a time; {@link #reset()} removes it.
     */
    public void gate(Function<Received, Reply> gate) {
        this.gate = gate;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The one request received since the last reset; fails when there were none or several. */
    public Received only() {
        if (received.size() != 1) {
            throw new AssertionError("expected exactly one upstream request, got " + received.size());
        }
        return received.get(0);
    }

    public void reset() {
        received.clear();
        replies.clear();
        gate = null;
        chunksSent.set(0);
        streamsCompleted.set(0);
        streamsAbandoned.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Map<String, List<String>> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
            String path = exchange.getRequestURI().getPath();
            Received request = new Received(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                    headers, body);
            received.add(request);
            Function<Received, Reply> gate = this.gate;
            Reply reply = gate == null ? null : gate.apply(request);
            if (reply == null) {
                reply = replies.getOrDefault(path, r -> Reply.json(404,
                        "{\"error\":{\"message\":\"fake upstream: no reply scripted for " + path + "\"}}"))
                        .apply(request);
            }
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (reply.chunks() != null) {
                stream(exchange, reply);
                return;
            }
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stream(HttpExchange exchange, Reply reply) throws IOException, InterruptedException {
        exchange.sendResponseHeaders(reply.status(), 0);
        OutputStream out = exchange.getResponseBody();
        try {
            for (byte[] chunk : reply.chunks()) {
                Thread.sleep(reply.pause().toMillis());
                out.write(chunk);
                out.flush();
                chunksSent.incrementAndGet();
            }
            out.close();
            streamsCompleted.incrementAndGet();
        } catch (IOException e) {
            // the gateway closed the connection: it gave up on this stream
            streamsAbandoned.incrementAndGet();
        }
    }

    /**
     * Waits until this many streams have ended, sent to their end or walked away from: the upstream
     * learns either only after its last write or close returns, which may be after the gateway has
     * answered its client.
     */
    public void awaitStreamsEnded(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streamsCompleted.get() + streamsAbandoned.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Stream pieces written so far, streams sent to their end, streams the gateway walked away from. */
    public int chunksSent() {
        return chunksSent.get();
    }

    public int streamsCompleted() {
        return streamsCompleted.get();
    }

    public int streamsAbandoned() {
        return streamsAbandoned.get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
