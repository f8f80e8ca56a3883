package dev.mistralgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} (Debian's package; {@code .ci/run} installs it) on a free port of
 * 127.0.0.1, with nothing saved to disk. It can be stopped and started again on the same port, as
 * a Redis that goes away in the middle of a run and comes back.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path directory;
    private Process process;

    private RedisServer(int port, Path directory) {
        this.port = port;
        this.directory = directory;
    }

    /** Starts one and waits until it answers PING. */
    public static RedisServer start() {
        try {
            RedisServer server = new RedisServer(UpstreamResource.closedPort(), Files.createTempDirectory("redis"));
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** What {@code QUARKUS_REDIS_HOSTS} takes. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it again on its port after {@link #stop()}, empty. */
    public void startAgain() {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", directory.toString()))
                    .redirectErrorStream(true).redirectOutput(directory.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server could not be started; install it (Debian: apt-get install"
                    + " redis-server), as .ci/run does", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start: " + log());
            }
            sleep(20);
        }
    }

    /** Ends the process and waits for its port to close. */
    public void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one command (inline form) and gives the raw reply, e.g. {@code FLUSHALL}. */
    public String command(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int read = in.read(buffer);
            return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean answersPing() {
        try {
            return command("PING").startsWith("+PONG");
        } catch (UncheckedIOException notYet) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
