package dev.mistralgateway.locallambda;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.Fixtures;
import dev.mistralgateway.testing.GatewaySettings;

/**
 * {@code ./mvnw package -Pjvm25}: {@code target/function-jvm25.zip}, the function for Lambda's java25
 * runtime with a JDK AOT cache made by a training run of the gateway itself.
 *
 * <p>
 * An AOT cache holds the classes of the class path it was trained with, loaded by the JVM's own class
 * loaders, and loads only with that class path, from jars (not folders). The Lambda build is laid out
 * for the runtime's class loader instead: the application's classes sit as a folder at the zip's top,
 * and AWS's runtime puts only its own client on the class path. So this zip differs from
 * {@code function.zip} in its layout only:
 *
 * <pre>
 * lib/*.jar                    the same jars, and the top folder's classes as one more jar among them
 * java25/launch                the exec wrapper that gives the JVM the class path the cache was made with
 * java25/runtime/*.jar         the Runtime Interface Client's jars, on that class path
 * java25/app.aot               the cache (JAVA_TOOL_OPTIONS=-XX:AOTCache=/var/task/java25/app.aot)
 * java25/jdk.release           the release file of the JDK that made it
 * </pre>
 *
 * The training unpacks the zip as {@link LocalLambda} does (as Lambda does, into what stands for
 * {@code /var/task}) and starts it through the same wrapper, so the class path is the one the function
 * gets on Lambda but for the folder's name: the JVM matches class paths that differ only in a common
 * leading folder. It then sends the training traffic, ends the function with SIGTERM, and the JVM
 * writes the cache as it exits. Every entry of the zip carries one fixed time, read as UTC, since JDKs
 * from 25.0.4 compare each jar's time and size with the training's.
 */
public final class Java25Function {

    static final String APP_JAR = "lib/dev.mistralgateway.mistral-gateway-runner.jar";
    static final String WRAPPER = "java25/launch";
    static final String CACHE = "java25/app.aot";
    static final String RELEASE = "java25/jdk.release";
    static final String RUNTIME_DIR = "java25/runtime/";
    /** What infra/ and the tests set, as Lambda reads them. */
    static final Map<String, String> VARIABLES = Map.of(
            "AWS_LAMBDA_EXEC_WRAPPER", LocalLambda.TASK_ROOT + "/" + WRAPPER,
            "JAVA_TOOL_OPTIONS", "-XX:AOTCache=" + LocalLambda.TASK_ROOT + "/" + CACHE);
    /** The time of every entry: 2000-01-01 00:00:00, as the DOS time of the zip format, read as UTC. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private Java25Function() {
    }

    /** A file of the zip. */
    record Entry(String name, int mode, byte[] content) {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(System.getProperty("gateway.build.directory", "target")).toAbsolutePath();
        Path basedir = Path.of(System.getProperty("gateway.basedir", ".")).toAbsolutePath();
        Jdk jdk = Jdk.java25().orElseThrow(() -> new IllegalStateException(Jdk.MISSING));
        Path zip = target.resolve("function-jvm25.zip");
        List<Entry> entries = layout(target.resolve("function.zip"), target.resolve("lambda-runtime"),
                basedir.resolve("src/main/lambda-java25/launch"));
        write(zip, entries);

        Path work = target.resolve("jvm25-training");
        deleteRecursively(work);
        Path cache = work.resolve("app.aot");
        System.out.println("[jvm25] training the AOT cache with " + jdk.describe());
        train(zip, target.resolve("lambda-runtime"), work, jdk, cache);

        entries.add(new Entry(CACHE, 0100644, Files.readAllBytes(cache)));
        entries.add(new Entry(RELEASE, 0100644, jdk.releaseText().getBytes(StandardCharsets.UTF_8)));
        write(zip, entries);
        System.out.printf("[jvm25] %s: AOT cache of %d MB made by %s%n", target.relativize(zip),
                Files.size(cache) >> 20, jdk.describe());
    }

    /** The plain function zip laid out for the class path an AOT cache needs, without the cache. */
    static List<Entry> layout(Path functionZip, Path runtimeJars, Path wrapper) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, byte[]> top = new HashMap<>();
        try (ZipFile zip = ZipFile.builder().setPath(functionZip).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] content;
                try (InputStream in = zip.getInputStream(entry)) {
                    content = in.readAllBytes();
                }
                if (entry.getName().startsWith("lib/")) {
                    entries.add(new Entry(entry.getName(), 0100644, content));
                } else {
                    top.put(entry.getName(), content);
                }
            }
        }
        entries.add(new Entry(APP_JAR, 0100644, jar(top)));
        try (Stream<Path> files = Files.list(runtimeJars)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                entries.add(new Entry(RUNTIME_DIR + jar.getFileName(), 0100644, Files.readAllBytes(jar)));
            }
        }
        entries.add(new Entry(WRAPPER, 0100755, Files.readAllBytes(wrapper)));
        return entries;
    }

    /**
     * The top folder's files as a jar. Its manifest loses the runner's Class-Path, which names the jars
     * relative to the top folder: from lib/ those names lead nowhere.
     */
    private static byte[] jar(Map<String, byte[]> files) throws IOException {
        Manifest manifest = new Manifest();
        byte[] original = files.remove("META-INF/MANIFEST.MF");
        if (original != null) {
            manifest.read(new ByteArrayInputStream(original));
        }
        manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().remove(Attributes.Name.CLASS_PATH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (String name : files.keySet().stream().sorted().toList()) {
                JarEntry entry = new JarEntry(name);
                entry.setTimeLocal(ENTRY_TIME);
                out.putNextEntry(entry);
                out.write(files.get(name));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Writes the zip: Unix modes, and one time as DOS wall-clock fields, with no extended time fields. */
    static void write(Path zip, List<Entry> entries) throws IOException {
        long time = ENTRY_TIME.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        Path partial = zip.resolveSibling(zip.getFileName() + ".part");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(partial)) {
            for (Entry e : entries.stream().sorted(Comparator.comparing(Entry::name)).toList()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(e.name());
                entry.setUnixMode(e.mode());
                entry.setTime(time);
                out.putArchiveEntry(entry);
                out.write(e.content());
                out.closeArchiveEntry();
            }
        }
        Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The training run: the seed's chat, a stream, the Ollama route (whole and streamed) and errors (a
     * bad request, an upstream's 429), three times over, then a clean end so that the JVM writes the cache.
     */
    static void train(Path zip, Path runtimeJars, Path work, Jdk jdk, Path cache) throws Exception {
        try (FakeUpstream mistral = new FakeUpstream(); FakeUpstream ollama = new FakeUpstream()) {
            Map<String, String> environment = new HashMap<>(routes(mistral, ollama));
            environment.put("AWS_LAMBDA_EXEC_WRAPPER", VARIABLES.get("AWS_LAMBDA_EXEC_WRAPPER"));
            LocalLambda lambda = LocalLambda.of(zip, runtimeJars, work).environment(environment).java(jdk.home())
                    .jvmOptions(List.of("-XX:AOTCacheOutput=" + cache)).start();
            int status;
            try {
                HttpClient client = HttpClient.newHttpClient();
                for (int round = 0; round < 3; round++) {
                    Traffic.send(client, lambda.port());
                }
            } finally {
                status = lambda.stop(Duration.ofMinutes(5));
                lambda.close();
            }
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                throw new IllegalStateException("the training run ended (status " + status + ") without writing "
                        + cache + "; its last lines:\n" + String.join("\n", tail(lambda.output(), 30)));
            }
        }
    }

    /** Routes of the seed's kind and of Ollama's, to the two stand-in upstreams. */
    static Map<String, String> routes(FakeUpstream mistral, FakeUpstream ollama) {
        mistral.reply("/v1/chat/completions", request -> request.bodyText().contains("\"content\":\"busy\"")
                ? Reply.json(429,
                        "{\"object\":\"error\",\"message\":\"Requests rate limit exceeded\",\"type\":\"rate_limited\"}")
                : request.bodyText().contains("\"stream\":true")
                        ? Reply.stream("text/event-stream", Duration.ZERO, List.of((Fixtures.kong(
                                "unit/real-stream-frames/openai/llm-v1-chat.txt").strip() + "\n\ndata: [DONE]\n\n")
                                .getBytes(StandardCharsets.UTF_8)))
                        : Reply.json(200, Fixtures.kong("mistral/llm-v1-chat/responses/good.json")));
        ollama.reply("/api/chat", request -> request.bodyText().contains("\"stream\":true")
                ? Reply.stream("application/x-ndjson", Duration.ZERO, List.of(
                        ("{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\",\"message\":{\"role\":\"assistant\",\"content\":\"1 + 1\"},\"done\":false}\n"
                                + "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\",\"message\":{\"role\":\"assistant\",\"content\":\" = 2\"},\"done\":false}\n"
                                + "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:39Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":7,\"eval_count\":3}\n")
                                .getBytes(StandardCharsets.UTF_8)))
                : Reply.json(200, Fixtures.kong("unit/real-responses/mistral/ollama/llm-v1-chat.json")));
        return new GatewaySettings()
                .route(0, "/mistral-chat", "llm/v1/chat", "openai", mistral.url("/v1/chat/completions"))
                .target(0, "model.name", "mistral-tiny")
                .target(0, "auth.header-name", "Authorization")
                .target(0, "auth.header-value", "Bearer local-key")
                .route(1, "/ollama-chat", "llm/v1/chat", "ollama", ollama.url("/api/chat"))
                .target(1, "model.name", "mistral")
                .environment();
    }

    /** The requests of a training round, each checked: a training on failures would cache the wrong path. */
    static final class Traffic {
        static final String CHAT = "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a mathematician\"},"
                + "{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}";
        static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}";

        private Traffic() {
        }

        static void send(HttpClient client, int port) throws IOException, InterruptedException {
            expect(client, port, "/mistral-chat", CHAT, 200, "\"choices\"");
            expect(client, port, "/mistral-chat", STREAM, 200, "data: [DONE]");
            expect(client, port, "/ollama-chat", CHAT, 200, "\"chat.completion\"");
            expect(client, port, "/ollama-chat", STREAM, 200, "data: [DONE]");
            expect(client, port, "/mistral-chat", "{\"messages\":[", 400, "\"error\"");
            expect(client, port, "/mistral-chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"busy\"}]}", 429,
                    "\"error\"");
        }

        static HttpResponse<String> expect(HttpClient client, int port, String path, String body, int status,
                String contains) throws IOException, InterruptedException {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != status || !response.body().contains(contains)) {
                throw new IllegalStateException("POST " + path + " " + body + ": expected " + status + " with " + contains
                        + ", got " + response.statusCode() + " " + response.body());
            }
            return response;
        }
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
