package dev.mistralgateway.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.mistralgateway.testing.PackagedApp;

/**
 * The packaged plain-HTTP server ({@code -Pserver}) run as a user runs it ({@code java -jar}, or the
 * native executable: {@link PackagedApp}) on a free port of 127.0.0.1, configured by environment
 * variables only.
 */
final class RunningGateway implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;
    private final long startNanos;

    private RunningGateway(Process process, Path log, int port, long startNanos) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.startNanos = startNanos;
    }

    /** Starts it with this environment and these memory options ({@code -Xmx64m}), and waits until it listens. */
    static RunningGateway start(Map<String, String> environment, String... options)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("gateway-server", ".log");
        ProcessBuilder builder = new ProcessBuilder(PackagedApp.command(options))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        long startNanos = System.nanoTime();
        RunningGateway gateway = new RunningGateway(builder.start(), log, port, startNanos);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(log).contains("Listening on")) {
            if (!gateway.process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.readString(log);
                gateway.close();
                throw new AssertionError("the server did not start:\n" + output);
            }
            Thread.sleep(100);
        }
        return gateway;
    }

    /** The environment of one openai-format chat route at {@code path}, to this upstream URL. */
    static Map<String, String> chatRoute(String path, String upstreamUrl) {
        return Map.of(
                "AI_PROXY_ROUTES_0__PATHS", path,
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "mistral-tiny",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", upstreamUrl);
    }

    /** The same route as {@link #chatRoute(String, String)}, as route {@code index}. */
    static Map<String, String> chatRoute(int index, String path, String upstreamUrl) {
        Map<String, String> route = new HashMap<>();
        chatRoute(path, upstreamUrl).forEach(
                (name, value) -> route.put(name.replace("AI_PROXY_ROUTES_0__", "AI_PROXY_ROUTES_" + index + "__"), value));
        return route;
    }

    /** Stops the gateway and then the upstream, whichever of them was started. */
    static void stop(RunningGateway gateway, AutoCloseable upstream) throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Milliseconds since the process was started. */
    long millisSinceStart() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    long residentMegabytes() {
        return PackagedApp.residentMegabytes(process.pid());
    }

    /** What the server has written so far (its standard output and error). */
    String logText() throws IOException {
        return Files.readString(log);
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Stops the process where it is (SIGSTOP), as Lambda freezes an instance: its requests stay unfinished. */
    void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            // a frozen process takes its SIGTERM once it runs again
            signal("-CONT");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
