package dev.mistralgateway.locallambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Runs the packaged {@code target/function.zip} the way AWS's Java runtime does, on this machine:
 * AWS's Runtime Interface Client loads Quarkus's handler from the unzipped function and polls a
 * local Lambda Runtime API served here; a front HTTP port turns each request into an API Gateway
 * HTTP API (payload 2.0) event, as the deployed API does, and the function's answer back into HTTP.
 *
 * <p>Run it after {@code ./mvnw package} with the gateway's environment variables set:
 * {@code ./mvnw exec:java@local-lambda} (port from {@code LOCAL_LAMBDA_PORT}, default 9000).
 * Tests start it through {@link #start}.
 */
public final class LocalLambda implements AutoCloseable {

    private static final String HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static final String RUNTIME_CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Invocation(String id, byte[] event, CompletableFuture<byte[]> answer) {
    }

    /** Invocations no function has asked for yet, and functions waiting for one: one of the two is empty. */
    private final Deque<Invocation> pending = new ArrayDeque<>();
    private final Deque<HttpServerRequest> waiting = new ArrayDeque<>();
    private final Map<String, Invocation> running = new ConcurrentHashMap<>();
    private final Vertx vertx = Vertx.vertx();
    private final io.vertx.core.http.HttpServer runtimeApi;
    private final HttpServer front;
    private final Process function;

    private LocalLambda(Path task, Path runtimeJars, Map<String, String> environment, int port) throws IOException {
        // Vert.x keeps header names as written: the client's native code reads them case-sensitively
        runtimeApi = vertx.createHttpServer().requestHandler(request -> request.body(body -> runtime(request,
                body.succeeded() ? body.result().getBytes() : new byte[0])));
        try {
            runtimeApi.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the local Runtime API did not start", e);
        }
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        front.createContext("/", this::front);
        front.setExecutor(Executors.newCachedThreadPool());
        front.start();

        String classpath = String.join(java.io.File.pathSeparator, task.toString(), task.resolve("lib") + "/*",
                runtimeJars + "/*");
        // As AWS's java21 runtime starts a 512 MB function: C1 only (its default), a quarter of 512 MB as
        // heap, and the serial collector, which the JVM's ergonomics pick in a 512 MB machine. Here the
        // machine is larger, so MaxRAM alone would still get G1: the collector is named.
        // (-Dlocal-lambda.jvm-options adds options, as JAVA_TOOL_OPTIONS would on AWS, to try their effect)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:MaxRAM=512m", "-XX:+UseSerialGC"));
        String extra = System.getProperty("local-lambda.jvm-options", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath, RUNTIME_CLIENT, HANDLER));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(task.toFile()).inheritIO();
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.actualPort());
        env.put("_HANDLER", HANDLER);
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "mistral-gateway-local");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        env.putIfAbsent("AWS_REGION", "eu-west-1");
        function = builder.start();
    }

    /**
     * @param functionZip the packaged function, unzipped under {@code work}
     * @param runtimeJars the Runtime Interface Client and its dependencies (copied there by the build)
     * @param port the front port; 0 picks a free one
     */
    public static LocalLambda start(Path functionZip, Path runtimeJars, Path work, Map<String, String> environment,
            int port) throws IOException {
        Path task = work.resolve("task");
        unzip(functionZip, task);
        return new LocalLambda(task, runtimeJars, environment, port);
    }

    public int port() {
        return front.getAddress().getPort();
    }

    /** The Lambda Runtime API, the part of it a function uses: next invocation, its answer, errors. */
    private void runtime(HttpServerRequest request, byte[] body) {
        String path = request.path();
        if (path.endsWith("/invocation/next")) {
            Invocation next;
            synchronized (this) {
                next = pending.poll();
                if (next == null) {
                    waiting.add(request);
                    return;
                }
            }
            hand(request, next);
            return;
        }
        String[] parts = path.split("/");
        if (path.contains("/invocation/") && parts.length >= 6) {
            Invocation invocation = running.remove(parts[4]);
            if (invocation != null) {
                if (path.endsWith("/response")) {
                    invocation.answer().complete(body);
                } else {
                    invocation.answer().completeExceptionally(new IllegalStateException(
                            "the function failed: " + new String(body, StandardCharsets.UTF_8)));
                }
            }
        } else if (path.endsWith("/init/error")) {
            System.err.println("the function failed to start: " + new String(body, StandardCharsets.UTF_8));
        }
        request.response().setStatusCode(202).end("{}");
    }

    private void invoke(Invocation invocation) {
        HttpServerRequest next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                pending.add(invocation);
                return;
            }
        }
        hand(next, invocation);
    }

    private void hand(HttpServerRequest next, Invocation invocation) {
        running.put(invocation.id(), invocation);
        next.response()
                .putHeader("Lambda-Runtime-Aws-Request-Id", invocation.id())
                .putHeader("Lambda-Runtime-Deadline-Ms",
                        String.valueOf(Instant.now().plus(Duration.ofMinutes(15)).toEpochMilli()))
                .putHeader("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:eu-west-1:000000000000:function:mistral-gateway-local")
                .putHeader("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(invocation.event()));
    }

    /** An HTTP request as API Gateway's HTTP API hands it to a function, and the answer back. */
    private void front(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Invocation invocation = new Invocation(UUID.randomUUID().toString(), event(exchange, body),
                    new CompletableFuture<>());
            invoke(invocation);
            JsonNode answer;
            try {
                answer = JSON.readTree(invocation.answer().get(15, TimeUnit.MINUTES));
            } catch (Exception e) {
                respond(exchange, 502, ("{\"error\":{\"message\":\"local Lambda: " + e.getMessage().replace('"', '\'')
                        + "\"}}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            answer.path("headers").fields().forEachRemaining(
                    header -> exchange.getResponseHeaders().add(header.getKey(), header.getValue().asText()));
            answer.path("cookies").forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie.asText()));
            String text = answer.path("body").asText("");
            byte[] out = answer.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
            respond(exchange, answer.path("statusCode").asInt(502), out);
        }
    }

    private static byte[] event(HttpExchange exchange, byte[] body) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        event.put("version", "2.0").put("routeKey", "$default").put("rawPath", path)
                .put("rawQueryString", query == null ? "" : query);
        ObjectNode headers = event.putObject("headers");
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "000000000000").put("apiId", "local").put("domainName", "127.0.0.1")
                .put("requestId", UUID.randomUUID().toString()).put("routeKey", "$default").put("stage", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", exchange.getRequestMethod()).put("path", path)
                .put("protocol", "HTTP/1.1").put("sourceIp", "127.0.0.1")
                .put("userAgent", String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
        event.put("body", Base64.getEncoder().encodeToString(body)).put("isBase64Encoded", true);
        return JSON.writeValueAsBytes(event);
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        if (!Files.exists(zip)) {
            throw new IllegalStateException(zip + " does not exist: run ./mvnw package first");
        }
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(file.entries())) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public void close() {
        function.destroy();
        try {
            function.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        front.stop(0);
        vertx.close();
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        int port = Integer.parseInt(System.getenv().getOrDefault("LOCAL_LAMBDA_PORT", "9000"));
        Map<String, String> environment = new java.util.HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("AI_PROXY_") || name.startsWith("QUARKUS_") || name.equals("MISTRAL_API_KEY")) {
                environment.put(name, value);
            }
        });
        LocalLambda lambda = start(target.resolve("function.zip"), target.resolve("lambda-runtime"),
                target.resolve("local-lambda"), environment, port);
        Runtime.getRuntime().addShutdownHook(new Thread(lambda::close));
        System.out.println("Local Lambda: http://127.0.0.1:" + lambda.port() + " -> target/function.zip");
        Thread.currentThread().join();
    }
}
