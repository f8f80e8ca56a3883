package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What `cdk synth` shows for a mistake in what it was given: one line, {@code error: <what to fix>},
 * and exit status 2; no stack trace, no template.
 */
class GatewayAppTest {

    @TempDir
    Path dir;

    /** What the app printed on standard error, line by line, after checking it ended with status 2. */
    private static List<String> refused(Synth synth) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GatewayApp.run(synth.app(), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(GatewayApp.CONFIGURATION_ERROR, status, err.toString(StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static void oneLine(List<String> lines, String start) {
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).startsWith("error: " + start), lines.get(0));
    }

    @Test
    void noArtifactSaysHowToBuildIt() {
        List<String> lines = refused(new Synth(dir).context("artifact", dir.resolve("not-built/function.zip").toString()));

        oneLine(lines,
                "Function artifact " + dir.resolve("not-built/function.zip") + " not found: build it first (./mvnw package");
        assertTrue(!Files.exists(dir.resolve("cdk.out/manifest.json")), "nothing is synthesized");
    }

    @Test
    void aBadGatewayEnvLineIsNamed() {
        oneLine(refused(new Synth(dir).env(Synth.SEED_ENV + "this is not an assignment\n")),
                dir.resolve("gateway.env") + " line 9: expected NAME=value");
    }

    @Test
    void aBadContextValueSaysWhatItMayBe() {
        oneLine(refused(new Synth(dir).context("arch", "sparc")), "arch must be arm64 or x86_64, not sparc");
        oneLine(refused(new Synth(dir).context("memory", "lots")), "memory must be a non-negative number, not lots");
    }

    /** As cdk.json's app.sh runs it: its own process, context from the CDK CLI's variable. */
    @Test
    void theMainExitsWithStatus2AndOneLine() throws IOException, InterruptedException {
        Path env = Files.writeString(dir.resolve("gateway.env"), Synth.SEED_ENV);
        String context = new ObjectMapper().writeValueAsString(java.util.Map.of(
                "config", env.toString(), "artifact", dir.resolve("not-built/function.zip").toString()));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GatewayApp.class.getName())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        builder.environment().put("CDK_CONTEXT_JSON", context);
        builder.environment().put("CDK_OUTDIR", dir.resolve("cdk.out").toString());
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the app neither ended nor failed within 120 s");

        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(GatewayApp.CONFIGURATION_ERROR, process.exitValue(), err);
        oneLine(err.lines().toList(), "Function artifact ");
        assertEquals("", Files.readString(dir.resolve("out.txt")));
    }
}
