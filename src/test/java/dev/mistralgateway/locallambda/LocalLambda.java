package dev.mistralgateway.locallambda;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.mistralgateway.testing.PackagedApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Runs a packaged function zip the way AWS's Java runtime does, on this machine: the zip is unpacked
 * into a folder that stands for {@code /var/task}, a JVM starts AWS's Runtime Interface Client with
 * the runtime's options and only the client's jars on its class path, and the client loads the
 * handler from the unpacked function (its own class loader over {@code LAMBDA_TASK_ROOT}) and polls a
 * local Lambda Runtime API served here. A front HTTP port turns each request into an API Gateway HTTP
 * API (payload 2.0) event, as the deployed API does, and the function's answer back into HTTP.
 *
 * <p>
 * As on Lambda, {@code AWS_LAMBDA_EXEC_WRAPPER} names a script that is started with the runtime's
 * java command as its arguments, and {@code JAVA_TOOL_OPTIONS} adds JVM options; in the function's
 * variables, {@code /var/task} stands for the unpacked folder. The JVM is the one running this code
 * unless {@link Builder#java} names another JDK.
 *
 * <p>
 * Run it after {@code ./mvnw package} with the gateway's environment variables set:
 * {@code ./mvnw exec:java@local-lambda} (port from {@code LOCAL_LAMBDA_PORT}, default 9000).
 * Tests start it through {@link #of}.
 */
public final class LocalLambda implements AutoCloseable {

    /** The function's handler, as infra/ names it. */
    static final String HANDLER = "dev.mistralgateway.http.LambdaHandler::handleRequest";
    private static final String RUNTIME_CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** Where Lambda unpacks a function. */
    static final String TASK_ROOT = "/var/task";
    /** Quarkus's start-up line: "... started in 1.195s." */
    private static final Pattern QUARKUS_STARTED = Pattern.compile("started in ([0-9]+\\.[0-9]+)s");
    /** The gateway's lines: "request path primed at start-up in 120 ms", "... primed through the handler in 20 ms". */
    private static final Pattern PRIMED = Pattern.compile("primed (at start-up|through the handler) in ([0-9]+) ms");
    private static final Pattern PRIMED_IN_START = Pattern.compile("primed at start-up in ([0-9]+) ms");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Invocation(String id, byte[] event, CompletableFuture<byte[]> answer) {
    }

    /** What to run and how; {@link #start} unpacks the zip and starts the function. */
    public static final class Builder {
        private final Path functionZip;
        private final Path runtimeJars;
        private final Path work;
        private final Map<String, String> environment = new HashMap<>();
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private final List<String> jvmOptions = new ArrayList<>();
        private int port;
        private String handler = HANDLER;

        private Builder(Path functionZip, Path runtimeJars, Path work) {
            this.functionZip = functionZip;
            this.runtimeJars = runtimeJars;
            this.work = work;
            // -Dlocal-lambda.jvm-options adds options to try their effect (JAVA_TOOL_OPTIONS is the way on AWS)
            String extra = System.getProperty("local-lambda.jvm-options", "").strip();
            if (!extra.isEmpty()) {
                jvmOptions.addAll(List.of(extra.split("\\s+")));
            }
        }

        /** The function's variables, as Lambda sets them. */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** The JDK that runs the function, in place of the one running this code. */
        public Builder java(Path home) {
            this.javaHome = home;
            return this;
        }

        /** Options the runtime itself would not pass (the AOT training's output, say). */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /**
         * Another handler than the gateway's (Quarkus's own,
         * {@code io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest}).
         */
        public Builder handler(String handler) {
            this.handler = handler;
            return this;
        }

        /**
         * The function's own Quarkus main on the JVM rather than AWS's client with the handler: the start a
         * native function's bootstrap makes, with no handler class (a JVM build has no poll loop, so it then
         * answers no invocation; it shows what the start itself does).
         */
        public Builder quarkusMain() {
            this.handler = null;
            return this;
        }

        /** The front port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public LocalLambda start() throws IOException {
            Path task = work.resolve("task");
            unzip(functionZip, task);
            return new LocalLambda(this, task);
        }
    }

    /** Invocations no function has asked for yet, and functions waiting for one: one of the two is empty. */
    private final Deque<Invocation> pending = new ArrayDeque<>();
    private final Deque<HttpServerRequest> waiting = new ArrayDeque<>();
    private final Map<String, Invocation> running = new ConcurrentHashMap<>();
    private final Vertx vertx = Vertx.vertx();
    private final io.vertx.core.http.HttpServer runtimeApi;
    private final HttpServer front;
    private final ExecutorService frontThreads = Executors.newCachedThreadPool();
    private final Process function;
    /** A native function ({@code bootstrap} in the zip) rather than a JVM one. */
    private final boolean nativeFunction;
    private final long startedNanos;
    private volatile long firstPollNanos;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final Thread outputPump;

    private LocalLambda(Builder b, Path task) throws IOException {
        // Vert.x keeps header names as written: the client's native code reads them case-sensitively
        runtimeApi = vertx.createHttpServer().requestHandler(request -> request.body(body -> runtime(request,
                body.succeeded() ? body.result().getBytes() : new byte[0])));
        try {
            runtimeApi.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the local Runtime API did not start", e);
        }
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", b.port), 0);
        front.createContext("/", this::front);
        front.setExecutor(frontThreads);
        front.start();

        Map<String, String> variables = new HashMap<>();
        b.environment.forEach((name, value) -> variables.put(name, value.replace(TASK_ROOT, task.toString())));
        // As AWS's java21 runtime starts a 512 MB function (java25 without SnapStart alike): C1 only, a quarter
        // of 512 MB as heap, and the serial collector, which the JVM's ergonomics pick in a 512 MB machine (here
        // the machine is larger, so MaxRAM alone would still get G1: the collector is named), java.io opened for
        // the client. The class path holds the Runtime Interface Client only; the client loads the function from
        // LAMBDA_TASK_ROOT with a class loader of its own.
        List<String> command = new ArrayList<>();
        Path bootstrap = task.resolve("bootstrap");
        nativeFunction = Files.isRegularFile(bootstrap);
        if (nativeFunction) {
            // the native function.zip (-Dnative): provided.al2023 runs its bootstrap, which polls the API itself
            bootstrap.toFile().setExecutable(true);
            command.add(bootstrap.toString());
        } else {
            String wrapper = variables.get("AWS_LAMBDA_EXEC_WRAPPER");
            if (wrapper != null) {
                command.add(wrapper);
            }
            command.addAll(List.of(b.javaHome.resolve("bin").resolve("java").toString(),
                    "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:MaxRAM=512m", "-XX:+UseSerialGC",
                    "--add-opens=java.base/java.io=ALL-UNNAMED"));
            command.addAll(b.jvmOptions);
            if (b.handler == null) {
                // the zip's own layout: its classes at the top, its libraries in lib/, Quarkus's generated main
                command.addAll(List.of("-classpath", task + File.pathSeparator + task.resolve("lib") + File.separator + "*",
                        "io.quarkus.runner.GeneratedMain"));
            } else {
                command.addAll(List.of("-classpath", jars(b.runtimeJars), RUNTIME_CLIENT, b.handler));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(task.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.putAll(variables);
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.actualPort());
        if (b.handler != null) {
            env.put("_HANDLER", b.handler);
        }
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "mistral-gateway-local");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        env.put("TZ", ":UTC");
        env.putIfAbsent("AWS_REGION", "eu-west-1");
        startedNanos = System.nanoTime();
        function = builder.start();
        outputPump = new Thread(() -> pump(function.getInputStream()), "local-lambda-output");
        outputPump.setDaemon(true);
        outputPump.start();
    }

    /** A function zip, the Runtime Interface Client's jars (the runtime's {@code /var/runtime/lib}), a work folder. */
    public static Builder of(Path functionZip, Path runtimeJars, Path work) {
        return new Builder(functionZip, runtimeJars, work);
    }

    public int port() {
        return front.getAddress().getPort();
    }

    /** When the function's process started, on {@link System#nanoTime()}'s clock. */
    /** Whether the zip held a native {@code bootstrap} (the {@code -Dnative} build), started as provided.al2023 does. */
    public boolean isNative() {
        return nativeFunction;
    }

    /** The function process's resident memory now, in MB (Linux; -1 elsewhere). */
    public long residentMegabytes() {
        return PackagedApp.residentMegabytes(function.pid());
    }

    public long startedNanos() {
        return startedNanos;
    }

    /**
     * When the function first asked for an invocation, on {@link System#nanoTime()}'s clock: the client
     * asks once the handler is loaded, that is once Quarkus has started; 0 until then.
     */
    public long firstPollNanos() {
        return firstPollNanos;
    }

    /**
     * The processor time the function's JVM has used so far, all its threads together: on a 512 MB function,
     * which gets a fraction of one vCPU, a start takes about this time divided by that fraction.
     */
    public Duration cpuTime() {
        return function.toHandle().info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("this system does not tell a process's processor time"));
    }

    /**
     * Has the function's JVM print its threads (SIGQUIT) into its output, for a test that waited in vain:
     * where an invocation hangs, the dump shows it.
     */
    public void printThreads() {
        try {
            new ProcessBuilder("kill", "-QUIT", String.valueOf(function.pid())).inheritIO().start().waitFor(5,
                    TimeUnit.SECONDS);
            Thread.sleep(1_000);
        } catch (IOException e) {
            System.err.println("could not signal the function: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The function's output so far (stdout and stderr), line by line; it is also printed as it comes. */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** The time Quarkus reports for its own start ("started in 1.195s"), once it has started. */
    public OptionalDouble quarkusStartSeconds() {
        return find(QUARKUS_STARTED).map(s -> OptionalDouble.of(Double.parseDouble(s))).orElse(OptionalDouble.empty());
    }

    /**
     * The time the gateway reports for priming the request path, in all: in Quarkus's start ("primed at start-up
     * in 120 ms") and, on the JVM, through the handler afterwards ("primed through the handler in 20 ms").
     */
    public OptionalDouble primingSeconds() {
        long ms = 0;
        boolean primed = false;
        for (String line : output()) {
            Matcher m = PRIMED.matcher(line);
            if (m.find()) {
                ms += Long.parseLong(m.group(2));
                primed = true;
            }
        }
        return primed ? OptionalDouble.of(ms / 1e3) : OptionalDouble.empty();
    }

    /** The part of the priming that Quarkus's own start counts ("primed at start-up in 120 ms"). */
    public OptionalDouble primingInStartSeconds() {
        return find(PRIMED_IN_START).map(ms -> OptionalDouble.of(Long.parseLong(ms) / 1e3)).orElse(OptionalDouble.empty());
    }

    private Optional<String> find(Pattern pattern) {
        for (String line : output()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private void pump(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null;) {
                output.add(line);
                System.out.println(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The Lambda Runtime API, the part of it a function uses: next invocation, its answer, errors. */
    private void runtime(HttpServerRequest request, byte[] body) {
        String path = request.path();
        if (path.endsWith("/invocation/next")) {
            if (firstPollNanos == 0) {
                firstPollNanos = System.nanoTime();
            }
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

    /** The jars of a folder, in name order, as one class path. */
    private static String jars(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return String.join(File.pathSeparator,
                    files.filter(f -> f.toString().endsWith(".jar")).map(Path::toString).sorted().toList());
        }
    }

    /**
     * Unpacks into a fresh folder as {@code unzip} does on Lambda's machines, which run in UTC: each file gets its entry's
     * Unix permissions (the exec wrapper must stay executable) and its entry's time, read as UTC. A JDK
     * compares the time and size of every jar with those it recorded in an AOT cache.
     */
    static void unzip(Path zip, Path into) throws IOException {
        if (!Files.exists(zip)) {
            throw new IllegalStateException(zip + " does not exist: run ./mvnw package first");
        }
        // a fresh folder, as on Lambda: a jar left from an earlier zip would join the class path
        if (Files.exists(into)) {
            try (Stream<Path> old = Files.walk(into)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(file.getEntries())) {
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
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX && (entry.getUnixMode() & 0111) != 0) {
                    Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(target));
                    permissions.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_EXECUTE));
                    Files.setPosixFilePermissions(target, permissions);
                }
                Files.setLastModifiedTime(target, FileTime.from(dosTimeInUtc(entry)));
            }
        }
    }

    /** The entry's DOS time (its wall-clock fields), as an instant in UTC. */
    static Instant dosTimeInUtc(ZipArchiveEntry entry) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(entry.getTime()), ZoneId.systemDefault())
                .toInstant(ZoneOffset.UTC);
    }

    /**
     * Ends the function as Lambda's shutdown does (SIGTERM), and waits for its JVM to exit: that is when a
     * JVM writes an AOT cache it was asked for. Returns the exit status, or -1 if it had to be killed.
     */
    public int stop(Duration patience) {
        // The process handle's destroy only signals: Process.destroy would also close the pipe of the function's
        // output, and the JVM (or the child it starts to write an AOT cache) would then die of SIGPIPE on its
        // next line of output.
        function.toHandle().destroy();
        try {
            if (function.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                outputPump.join(5_000);
                return function.exitValue();
            }
            function.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    @Override
    public void close() {
        if (function.isAlive()) {
            stop(Duration.ofSeconds(10));
        }
        front.stop(0);
        frontThreads.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        int port = Integer.parseInt(System.getenv().getOrDefault("LOCAL_LAMBDA_PORT", "9000"));
        Map<String, String> environment = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("AI_PROXY_") || name.startsWith("QUARKUS_") || name.equals("MISTRAL_API_KEY")) {
                environment.put(name, value);
            }
        });
        LocalLambda lambda = of(target.resolve("function.zip"), target.resolve("lambda-runtime"),
                target.resolve("local-lambda")).environment(environment).port(port).start();
        Runtime.getRuntime().addShutdownHook(new Thread(lambda::close));
        System.out.println("Local Lambda: http://127.0.0.1:" + lambda.port() + " -> target/function.zip");
        Thread.currentThread().join();
    }
}
