package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FunctionTest {

    @TempDir
    Path dir;

    @Test
    void jvmByDefaultWithSnapStartArm64AndAliasLive() {
        Template t = new Synth(dir).template();
        t.resourceCountIs("AWS::Lambda::Function", 1);
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "dev.mistralgateway.http.LambdaHandler::handleRequest",
                "Architectures", List.of("arm64"),
                "MemorySize", 512,
                "Timeout", 30,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        t.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
        t.resourceCountIs("AWS::Lambda::Version", 1);
    }

    @Test
    void nativeRunsTheBootstrapOnProvidedAl2023WithoutSnapStart() {
        Template t = new Synth(dir).context("runtime", "native").template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023",
                "Handler", "not.used.in.provided.runtime",
                "SnapStart", Match.absent(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of("DISABLE_SIGNAL_HANDLERS", "true")))));
    }

    @Test
    void jvm25RunsJava25WithTheAotCacheOfItsZipAndNoSnapStart() {
        Synth synth = new Synth(dir).context("runtime", "jvm25");
        Template t = synth.template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java25",
                "Handler", "dev.mistralgateway.http.LambdaHandler::handleRequest",
                // the fake zip's cache was made on x86_64: a cache works on that architecture only
                "Architectures", List.of("x86_64"),
                "SnapStart", Match.absent()));
        Map<String, Object> variables = Synth.variables(t);
        assertEquals("/var/task/java25/launch", variables.get("AWS_LAMBDA_EXEC_WRAPPER"));
        assertEquals("-XX:AOTCache=/var/task/java25/app.aot", variables.get("JAVA_TOOL_OPTIONS"));
        assertEquals("/mistral-chat", variables.get("AI_PROXY_ROUTES_0__PATHS"));
        assertTrue(
                Synth.warnings(synth.stack()).stream().anyMatch(w -> w.contains("was made by Amazon.com Inc. 25.0.4+7-LTS on "
                        + "x86_64") && w.contains("uses it only if it runs that very JVM build")),
                Synth.warnings(synth.stack()).toString());
    }

    @Test
    void jvm25TakesTheCachesArchitectureAndRefusesAnother() throws Exception {
        Synth synth = new Synth(dir).context("runtime", "jvm25");
        synth.context("artifact", synth.jvm25Zip("aarch64").toString());
        synth.template().hasResourceProperties("AWS::Lambda::Function", Map.of("Architectures", List.of("arm64")));

        var other = assertThrows(IllegalArgumentException.class, () -> synth.context("arch", "x86_64").stack());
        assertTrue(other.getMessage().startsWith("arch=x86_64, but the AOT cache in"), other.getMessage());
        assertTrue(other.getMessage().contains("-c arch=arm64"), other.getMessage());
    }

    @Test
    void jvm25KeepsGatewayEnvsOwnJavaToolOptionsAfterTheCache() {
        Template t = new Synth(dir).context("runtime", "jvm25")
                .env(Synth.SEED_ENV + "JAVA_TOOL_OPTIONS=-XX:+PrintCommandLineFlags\n").template();
        assertEquals("-XX:AOTCache=/var/task/java25/app.aot -XX:+PrintCommandLineFlags",
                Synth.variables(t).get("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void jvm25RefusesAZipWithoutTheCacheAndTheStreamingFrontDoors() throws Exception {
        // function.zip is not the java25 function: no cache, no wrapper
        Synth plain = new Synth(dir).context("runtime", "jvm25");
        plain.context("artifact", plain.functionZip().toString());
        var e = assertThrows(IllegalArgumentException.class, plain::stack);
        assertTrue(e.getMessage().contains("holds no java25/launch") && e.getMessage().contains("./mvnw package -Pjvm25"),
                e.getMessage());

        var stream = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir).context("runtime", "jvm25").context("frontDoor", "url-stream").stack());
        assertTrue(stream.getMessage().startsWith("runtime=jvm25 is the Lambda build with its AOT cache"), stream.getMessage());
    }

    @Test
    void architectureMemoryAndTimeoutComeFromContext() {
        // As from `-c memory=1024`: strings; as from cdk.json: numbers. Both must work.
        Template t = new Synth(dir).context("arch", "x86_64").context("memory", "1024").context("timeout", 20).template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Architectures", List.of("x86_64"), "MemorySize", 1024, "Timeout", 20));
    }

    @Test
    void reservedConcurrencyCapsTheFunctionOnlyWhenAsked() {
        // unset by default: a reservation fails to deploy in an account whose limit leaves no room for it
        new Synth(dir).template().hasResourceProperties("AWS::Lambda::Function",
                Map.of("ReservedConcurrentExecutions", Match.absent()));
        new Synth(dir).context("reservedConcurrency", "10").template().hasResourceProperties("AWS::Lambda::Function",
                Map.of("ReservedConcurrentExecutions", 10));
        // as from cdk.json, a number; and the same for the streaming function
        new Synth(dir).context("frontDoor", "url-stream").context("reservedConcurrency", 25).template()
                .hasResourceProperties("AWS::Lambda::Function", Map.of("ReservedConcurrentExecutions", 25));

        var zero = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir).context("reservedConcurrency", "0").stack());
        assertTrue(zero.getMessage().startsWith("reservedConcurrency must be a whole number from 1 to"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("reservedConcurrency", "some").stack());
    }

    @Test
    void environmentIsGatewayEnv() {
        Template t = new Synth(dir).template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "AI_PROXY_ROUTES_0__PATHS", "/mistral-chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE",
                "Bearer {{resolve:secretsmanager:mistral/api-key:SecretString}}",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "mistral-tiny",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "https://api.mistral.ai/v1/chat/completions"))));
    }

    @Test
    void logGroupIsExplicitWithRetention() {
        Template t = new Synth(dir).template();
        t.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("LoggingConfig", Map.of("LogGroup",
                Map.of("Ref", Match.stringLikeRegexp("FunctionLogs.*")))));

        new Synth(dir).context("logRetentionDays", "365").template()
                .hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 365));
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("logRetentionDays", "10").stack());
        assertTrue(e.getMessage().startsWith("logRetentionDays must be one of"), e.getMessage());
    }

    @Test
    void missingArtifactSaysHowToBuildIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir).context("artifact", dir.resolve("nothing.zip").toString()).stack());
        assertTrue(e.getMessage().contains("build it first"), e.getMessage());
    }

    @Test
    void badContextValuesAreRefused() {
        var runtime = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("runtime", "graal").stack());
        assertEquals("runtime must be one of [jvm, jvm25, native], not graal", runtime.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("arch", "arm").stack());
        assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("memory", "lots").stack());
    }
}
