package dev.mistralgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a raw socket, for what a well-behaved HTTP server cannot do: reset the
 * connection, send half a body, stall, send garbage. The fault is chosen by the request path's
 * last segment ({@code /fault/reset}, ...); it counts the connections still open.
 */
public final class FaultyUpstream implements AutoCloseable {

    private static final String GOOD = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger open = new AtomicInteger();

    public FaultyUpstream() {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.submit(this::accept);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** Connections from the gateway that are open now. */
    public int openConnections() {
        return open.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.incrementAndGet();
                threads.submit(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Serves requests on one connection until a fault ends it or the gateway closes it. */
    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String path = readRequest(in);
                if (path == null) {
                    return;
                }
                String fault = path.substring(path.lastIndexOf('/') + 1);
                switch (fault) {
                    case "ok" -> reply(out, 200, "application/json", GOOD);
                    case "500" -> reply(out, 500, "application/json", "{\"error\":{\"message\":\"internal\"}}");
                    case "429" -> {
                        write(out, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 28\r\n\r\n{\"error\":{\"message\":\"slow\"}}");
                    }
                    case "garbage" -> reply(out, 200, "application/json", "{\"choices\": [ not json");
                    case "bad-head" -> {
                        // what an upstream URL pointing at an SSH port answers: no HTTP head at all
                        write(out, "SSH-2.0-OpenSSH_9.6\r\n\r\n");
                        return;
                    }
                    case "reset" -> {
                        socket.setSoLinger(true, 0);
                        return;
                    }
                    case "half" -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                                + GOOD.substring(0, 40));
                        return;
                    }
                    case "body-stall" -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                                + GOOD.substring(0, 40));
                        Thread.sleep(5_000);
                        return;
                    }
                    case "late-head-stall" -> {
                        // the head comes late (after a client may have left), then half a body and no more:
                        // the connection stays open until the gateway closes it
                        Thread.sleep(600);
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                                + GOOD.substring(0, 40));
                        socket.setSoTimeout(30_000);
                        in.read();
                        return;
                    }
                    case "stall" -> {
                        Thread.sleep(5_000);
                        return;
                    }
                    case "stream-cut" -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                        String event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n";
                        write(out, Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
                        return;
                    }
                    default -> reply(out, 404, "application/json", "{\"error\":{\"message\":\"no such fault\"}}");
                }
            }
        } catch (IOException e) {
            // the gateway went away: that ends this connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    /** Reads one request (head and Content-Length body); its path, or null when the connection ended. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (lastFour != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            lastFour = (lastFour << 8) | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return text.split(" ")[1];
    }

    private static void reply(OutputStream out, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        write(out, "HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\n\r\n" + body);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
