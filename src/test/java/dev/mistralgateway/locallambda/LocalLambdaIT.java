package dev.mistralgateway.locallambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.PackagedApp;

/**
 * The real artifacts run by AWS's Runtime Interface Client against a local Runtime API, with their cold
 * starts printed side by side: {@code target/function.zip} as the java21 runtime starts it (on the JDK
 * running the tests), and, when the build made it ({@code -Pjvm25}) and a JDK 25 is at hand,
 * {@code target/function-jvm25.zip} as the java25 runtime starts it through its exec wrapper, without
 * and with its AOT cache. Each start answers the seed's chat first; the cold start is the time from
 * the JVM's process start to that answer, split into the JVM with the client (up to Quarkus's start),
 * Quarkus's own start (as it reports it), the handler's priming of the request path (as it reports it),
 * and the first request; the processor time the function used until then is printed too (it tells more
 * than the time on a busy machine, and more of a 512 MB function, which gets a fraction of a vCPU).
 * {@code -Dlocal-lambda.cold-starts=N} starts each N times, in turns, and prints medians.
 */
@DisabledIfSystemProperty(named = "gateway.entry", matches = "server")
class LocalLambdaIT {

    /** What a JVM prints when it cannot use the AOT cache it was given (AOTMode=auto goes on without it). */
    private static final Pattern AOT_TROUBLE = Pattern.compile("\\[(warning|error) *\\]\\[aot");

    private record Start(long totalNanos, long jvmNanos, long quarkusNanos, long primingNanos, long firstRequestNanos,
            long cpuNanos, long residentMegabytes) {
    }

    private record Row(String name, List<Start> starts, double warmMillis) {
    }

    /** A zip, started as a runtime would, and whether it must start from its AOT cache. */
    private record Function(String name, LocalLambda.Builder launch, boolean aotCache) {
    }

    /**
     * A native function's bootstrap starts Quarkus's own main, with no handler class, and Quarkus's poll loop asks
     * for the first invocation only once the start has ended: the start itself must prime the request path. A JVM
     * build has no poll loop, so this starts the JVM zip's own main to see that start, not an invocation.
     */
    @Test
    void theStartPrimesTheRequestPathWithoutTheJvmHandlerAsANativeStartDoes() throws Exception {
        Assumptions.assumeFalse(PackagedApp.isNative(), "the native bootstrap's start is measured by the test below");
        Path target = Path.of(System.getProperty("gateway.build.directory", "target"));
        try (FakeUpstream mistral = new FakeUpstream();
                FakeUpstream ollama = new FakeUpstream();
                LocalLambda lambda = LocalLambda.of(target.resolve("function.zip"), target.resolve("lambda-runtime"),
                        target.resolve("local-lambda-main")).environment(Java25Function.routes(mistral, ollama))
                        .quarkusMain().start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lambda.quarkusStartSeconds().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(lambda.quarkusStartSeconds().isPresent(), "Quarkus never said it started: " + lambda.output());
            assertTrue(lambda.primingInStartSeconds().isPresent(), "the start did not prime: " + lambda.output());
            assertTrue(lambda.output().stream().noneMatch(line -> line.contains("priming the request path at start-up")),
                    "priming went wrong: " + lambda.output());
            // the priming request is the gateway's own 404, reported nowhere, and nothing went upstream
            assertTrue(lambda.output().stream().noneMatch(line -> line.contains("CloudWatchMetrics")),
                    lambda.output().toString());
            assertEquals(0, mistral.received().size() + ollama.received().size());
        }
    }

    @Test
    void theFunctionZipsAnswerAsOnAwsAndStartAsFastAsTheirRuntimeAllows() throws Exception {
        Path target = Path.of(System.getProperty("gateway.build.directory", "target"));
        int coldStarts = Integer.getInteger("local-lambda.cold-starts", 1);
        List<Function> functions = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Row> rows;
        try (FakeUpstream mistral = new FakeUpstream(); FakeUpstream ollama = new FakeUpstream()) {
            Map<String, String> routes = Java25Function.routes(mistral, ollama);
            Jdk own = Jdk.at(Path.of(System.getProperty("java.home")));
            functions.add(new Function(PackagedApp.isNative() ? "native (provided.al2023 way): function.zip's bootstrap"
                    : "java21 way: " + own.describe(),
                    LocalLambda.of(target.resolve("function.zip"),
                            target.resolve("lambda-runtime"), target.resolve("local-lambda")).environment(routes),
                    false));

            // only the zip this build made (-Pjvm25): one left in target/ by an earlier build holds older code
            String built = System.getProperty("gateway.jvm25.zip", "").strip();
            Optional<Jdk> java25 = Jdk.java25();
            Path zip25 = built.isEmpty() || built.startsWith("${") ? null : Path.of(built);
            if (zip25 == null) {
                notes.add("java25 with the AOT cache: not built by this run (./mvnw verify -Pjvm25, with a JDK 25, builds and "
                        + "measures it)");
            } else if (java25.isEmpty()) {
                notes.add("java25 with the AOT cache: skipped, " + Jdk.MISSING);
            } else {
                assertTrue(Files.isRegularFile(zip25), zip25 + " was not built");
                Map<String, String> wrapped = new HashMap<>(routes);
                wrapped.put("AWS_LAMBDA_EXEC_WRAPPER", Java25Function.VARIABLES.get("AWS_LAMBDA_EXEC_WRAPPER"));
                Map<String, String> cached = new HashMap<>(wrapped);
                cached.put("JAVA_TOOL_OPTIONS", Java25Function.VARIABLES.get("JAVA_TOOL_OPTIONS"));
                for (boolean cache : new boolean[] { false, true }) {
                    functions
                            .add(new Function("java25 way: " + java25.get().describe() + (cache ? ", AOT cache" : ", no cache"),
                                    LocalLambda.of(zip25, target.resolve("lambda-runtime"), target.resolve("local-lambda-25"))
                                            .java(java25.get().home()).environment(cache ? cached : wrapped),
                                    cache));
                }
            }
            rows = measure(functions, coldStarts, mistral);
        }
        print(rows, notes, coldStarts);
        // for the native workflow's job summary, beside the same figures of the JVM artifact
        Start first = rows.get(0).starts().get(0);
        PackagedApp.report("function: process start to first answer", first.totalNanos() / 1_000_000 + " ms");
        PackagedApp.report("function: resident memory after the first answer", first.residentMegabytes() + " MB");
    }

    /**
     * Starts each function in turn, {@code rounds} times over (so that a busy moment of the machine falls on all
     * of them alike rather than on one), and checks every kind of request on each one's first start.
     */
    private static List<Row> measure(List<Function> functions, int rounds, FakeUpstream mistral) throws Exception {
        Map<Function, List<Start>> starts = new LinkedHashMap<>();
        Map<Function, Double> warm = new HashMap<>();
        HttpClient client = HttpClient.newHttpClient();
        for (int round = 0; round < rounds; round++) {
            for (Function function : functions) {
                try (LocalLambda lambda = function.launch().start()) {
                    try {
                        starts.computeIfAbsent(function, f -> new ArrayList<>()).add(coldStart(lambda, client, mistral));
                        if (round == 0) {
                            warm.put(function, checkEveryKindAndTimeWarm(lambda, client));
                        }
                    } catch (HttpTimeoutException hung) {
                        lambda.printThreads();
                        throw hung;
                    }
                    if (function.aotCache()) {
                        List<String> trouble = lambda.output().stream().filter(line -> AOT_TROUBLE.matcher(line).find())
                                .toList();
                        assertTrue(trouble.isEmpty(), "the JVM did not use the AOT cache as it is: " + trouble);
                        assertTrue(lambda.output().stream().anyMatch(
                                line -> line.contains("Picked up JAVA_TOOL_OPTIONS: -XX:AOTCache=")),
                                "the JVM was not given the cache");
                    }
                }
            }
        }
        return functions.stream().map(f -> new Row(f.name(), starts.get(f), warm.get(f))).toList();
    }

    /** The seed's chat as the first request of a function just started, checked, and the times of its start. */
    private static Start coldStart(LocalLambda lambda, HttpClient client, FakeUpstream mistral) throws Exception {
        int seen = mistral.received().size();
        HttpResponse<String> first = Java25Function.Traffic.expect(client, lambda.port(), "/mistral-chat",
                Java25Function.Traffic.CHAT, 200, "\"choices\"");
        long answered = System.nanoTime();
        long cpu = lambda.cpuTime().toNanos();
        assertEquals("mistral/mistral-tiny", first.headers().firstValue("X-AI-Proxy-Model").orElse(null));
        assertTrue(first.body().contains("The sum of 1 + 1 is 2."), first.body());
        assertEquals("Bearer local-key", mistral.received().get(seen).header("Authorization"));

        // the function primed the request path in its start, before it asked for its first invocation, on the
        // JVM as in a native function (LambdaPriming observes the start-up event both run), and on the JVM
        // then through its handler; Quarkus's "started in" counts the first part, which the split shows apart
        long priming = Math.round(lambda.primingSeconds().orElseThrow(
                () -> new AssertionError("the function did not prime the request path: " + lambda.output())) * 1e9);
        long quarkus = Math.round(lambda.quarkusStartSeconds().orElseThrow(
                () -> new AssertionError("Quarkus never said it started")) * 1e9)
                - Math.round(lambda.primingInStartSeconds().orElse(0) * 1e9);
        assertTrue(lambda.output().stream().noneMatch(line -> line.contains("priming the request path at start-up")),
                "priming went wrong: " + lambda.output());
        // the function logs JSON, as configured, for CloudWatch Logs Insights: the JDK's plain format would mean
        // that a logger was made before Quarkus set up logging
        assertTrue(
                lambda.output().stream()
                        .anyMatch(line -> line.startsWith("{") && line.contains("\"message\":\"request path primed")),
                "the function's log is not JSON: " + lambda.output());
        return new Start(answered - lambda.startedNanos(), lambda.firstPollNanos() - lambda.startedNanos() - quarkus - priming,
                quarkus, priming, answered - lambda.firstPollNanos(), cpu, lambda.residentMegabytes());
    }

    /** Every kind of request answers, here as on Lambda (chat, stream, Ollama, errors); then 20 chats, timed. */
    private static double checkEveryKindAndTimeWarm(LocalLambda lambda, HttpClient client) throws Exception {
        Java25Function.Traffic.send(client, lambda.port());
        int n = 20;
        long warmStart = System.nanoTime();
        for (int k = 0; k < n; k++) {
            Java25Function.Traffic.expect(client, lambda.port(), "/mistral-chat", Java25Function.Traffic.CHAT, 200,
                    "\"choices\"");
        }
        return (System.nanoTime() - warmStart) / 1e6 / n;
    }

    private static void print(List<Row> rows, List<String> notes, int coldStarts) {
        StringBuilder out = new StringBuilder(String.format(
                "%nlocal Lambda cold starts, from the JVM's process start to the first "
                        + "answer, ms (%s):%n",
                coldStarts == 1 ? "one start each" : "median of " + coldStarts + " starts each, min-max"));
        out.append(String.format("  %-72s %16s %16s %16s %16s %16s %16s %9s%n", "", "total", "JVM+client", "Quarkus",
                "priming", "1st request", "CPU time", "warm"));
        for (Row row : rows) {
            out.append(String.format("  %-72s %16s %16s %16s %16s %16s %16s %9.2f%n", row.name(),
                    cell(row.starts(), Start::totalNanos), cell(row.starts(), Start::jvmNanos),
                    cell(row.starts(), Start::quarkusNanos), cell(row.starts(), Start::primingNanos),
                    cell(row.starts(), Start::firstRequestNanos), cell(row.starts(), Start::cpuNanos), row.warmMillis()));
        }
        notes.forEach(note -> out.append("  ").append(note).append(System.lineSeparator()));
        System.out.print(out);
    }

    private static String cell(List<Start> starts, ToLongFunction<Start> value) {
        long[] ms = starts.stream().mapToLong(value).map(nanos -> nanos / 1_000_000).sorted().toArray();
        long median = ms[ms.length / 2];
        return ms.length == 1 ? String.valueOf(median) : median + " (" + ms[0] + "-" + ms[ms.length - 1] + ")";
    }
}
