package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mistralgateway.infra.GatewaySettings.FrontDoor;
import dev.mistralgateway.infra.GatewaySettings.FunctionRuntime;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The front doors: the buffered HTTP API by default, or the server build streaming through a REST API or a Function URL. */
class StreamingTest {

    private static final Map<String, Object> ADAPTER_VARIABLES = Map.of(
            "AWS_LWA_INVOKE_MODE", "response_stream",
            "AWS_LWA_PORT", "8080",
            "QUARKUS_HTTP_PORT", "8080",
            "AWS_LWA_READINESS_CHECK_PATH", "/q/health/ready");

    @TempDir
    Path dir;

    private Synth rest() {
        return new Synth(dir).context("frontDoor", "rest-stream");
    }

    private Synth url() {
        return new Synth(dir).context("frontDoor", "url-stream");
    }

    private static Map<String, Object> layer(String name) {
        return Map.of("Fn::Sub", "arn:aws:lambda:${AWS::Region}:753240598075:layer:" + name + ":30");
    }

    // --- http-api, the default: what it was before the streaming flavours --------------------------------

    @Test
    void theDefaultFrontDoorIsTheBufferedHttpApiWithoutAdapter() {
        Template t = new Synth(dir).template();
        t.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        t.resourceCountIs("AWS::ApiGateway::RestApi", 0);
        t.resourceCountIs("AWS::Lambda::Url", 0);
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Layers", Match.absent(),
                "Handler", GatewayStack.JVM_HANDLER,
                "Timeout", 30,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "AWS_LWA_INVOKE_MODE", Match.absent(), "AWS_LAMBDA_EXEC_WRAPPER", Match.absent())))));
    }

    @Test
    void namingHttpApiExplicitlyChangesNothing() {
        String implicit = Synth.json(new Synth(dir).template());
        String explicit = Synth.json(new Synth(dir).context("frontDoor", "http-api").template());
        assertEquals(implicit, explicit);
    }

    // --- rest-stream ---------------------------------------------------------------------------------

    @Test
    void restStreamHasOneStreamingPostMethodPerPathToTheLiveAlias() {
        Template t = rest().env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat, /chat
                AI_PROXY_ROUTES_1__PATHS=/v1/chat/completions
                """).template();
        t.resourceCountIs("AWS::ApiGatewayV2::Api", 0);
        t.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        t.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Name", "TestGateway", "EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
        // three POSTs, and GET on the model list and one model of it (ModelListRoutesTest)
        t.resourceCountIs("AWS::ApiGateway::Method", 5);
        assertEquals(3, t.findResources("AWS::ApiGateway::Method", Map.of("Properties", Map.of("HttpMethod", "POST"))).size());
        t.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "completions"));
        t.allResourcesProperties("AWS::ApiGateway::Method", Map.of(
                "AuthorizationType", "AWS_IAM",
                "Integration", Match.objectLike(Map.of(
                        "Type", "AWS_PROXY",
                        "IntegrationHttpMethod", "POST",
                        "ResponseTransferMode", "STREAM",
                        "TimeoutInMillis", 300_000,
                        "Uri", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                                ":lambda:path/2021-11-15/functions/",
                                Map.of("Ref", Match.stringLikeRegexp("Live.*")),
                                "/response-streaming-invocations"))))))));
        // One invoke permission for the whole API, on the alias.
        t.resourceCountIs("AWS::Lambda::Permission", 1);
        t.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Principal", "apigateway.amazonaws.com", "FunctionName", Map.of("Ref", Match.stringLikeRegexp("Live.*"))));
    }

    @Test
    void restStreamTakesUploadsAsBinaryAndJsonAsText() {
        // API Gateway base64-encodes a body of these types for the function; any other it reads as UTF-8 text
        rest().template().hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "BinaryMediaTypes", List.of("multipart/form-data", "application/octet-stream", "audio/*", "image/*")));
        new Synth(dir).template().hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of(
                "BinaryMediaTypes", Match.absent()));
    }

    @Test
    void restStreamPassesAPreserveRoutesOtherMethodsOn() {
        Template t = rest().env("""
                AI_PROXY_ROUTES_0__PATHS=/v1/files
                AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE=preserve
                """).template();
        t.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{proxy+}"));
        // POST, GET, PUT, PATCH, DELETE on /v1/files and below it; GET on the model list and one model of it
        t.resourceCountIs("AWS::ApiGateway::Method", 5 + 5 + 2);
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            t.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", method,
                    "Integration", Match.objectLike(Map.of("ResponseTransferMode", "STREAM"))));
        }
    }

    @Test
    void restStreamStageIsThrottledAndItsUrlIsTheOnlyOutput() {
        Template t = rest().template();
        t.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "prod",
                "MethodSettings", List.of(Match.objectLike(Map.of(
                        "HttpMethod", "*", "ResourcePath", "/*", "ThrottlingRateLimit", 20, "ThrottlingBurstLimit", 40)))));
        rest().context("throttleRate", "5").context("throttleBurst", 10).template()
                .hasResourceProperties("AWS::ApiGateway::Stage", Map.of("MethodSettings", List.of(Match.objectLike(Map.of(
                        "ThrottlingRateLimit", 5, "ThrottlingBurstLimit", 10)))));
        assertEquals(List.of("ApiUrl"), List.copyOf(t.findOutputs("*").keySet()));
        t.hasOutput("ApiUrl", Map.of("Value", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                "https://", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("Api.*")))))))));
        // No account-wide CloudWatch role for API Gateway.
        t.resourceCountIs("AWS::ApiGateway::Account", 0);
    }

    @Test
    void restStreamWithoutAuthOnlyWithAllowPublicAccess() {
        var e = assertThrows(IllegalArgumentException.class, () -> rest().context("auth", "none").stack());
        assertTrue(e.getMessage().contains("allowPublicAccess=true"), e.getMessage());
        rest().context("auth", "none").context("allowPublicAccess", true).template()
                .allResourcesProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "NONE"));
    }

    @Test
    void restStreamIntegrationRunsAsLongAsTheFunction() {
        Template t = rest().context("timeout", "900").template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Timeout", 900));
        t.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "Integration", Match.objectLike(Map.of("TimeoutInMillis", 900_000))));
    }

    @Test
    void restStreamAlarmsOnTheRestApi5xxRate() {
        Template t = rest().template();
        t.resourceCountIs("AWS::CloudWatch::Alarm", 1);
        List<Map<String, Object>> metrics = List.of(
                Map.of("Expression", "IF(requests > 0, 100 * errors / requests, 0)"),
                Map.of("Id", "errors", "MetricStat", Match.objectLike(Map.of("Metric", Map.of(
                        "MetricName", "5XXError", "Namespace", "AWS/ApiGateway",
                        "Dimensions", List.of(Map.of("Name", "ApiName", "Value", "TestGateway")))))),
                Map.of("Id", "requests", "MetricStat", Match.objectLike(Map.of("Metric", Match.objectLike(Map.of(
                        "MetricName", "Count", "Namespace", "AWS/ApiGateway"))))));
        for (Map<String, Object> metric : metrics) {
            t.hasResourceProperties("AWS::CloudWatch::Alarm",
                    Map.of("Metrics", Match.arrayWith(List.of(Match.objectLike(metric)))));
        }
    }

    // --- the server function behind both streaming front doors ----------------------------------------

    @Test
    void jvmServerRunsRunShThroughTheAdapterWithSnapStart() {
        Template t = rest().template();
        Map<String, Object> variables = new HashMap<>(ADAPTER_VARIABLES);
        variables.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "run.sh",
                "Architectures", List.of("arm64"),
                "Layers", List.of(layer("LambdaAdapterLayerArm64")),
                "Timeout", 300,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "Environment", Map.of("Variables", Match.objectLike(variables))));
        // gateway.env still configures the gateway itself.
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE",
                "Bearer {{resolve:secretsmanager:mistral/api-key:SecretString}}")))));
        t.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
    }

    @Test
    void nativeServerRunsItsBootstrapOnProvidedAl2023WithTheAdapterAsExtension() {
        Template t = rest().context("runtime", "native").context("arch", "x86_64").template();
        Map<String, Object> variables = new HashMap<>(ADAPTER_VARIABLES);
        variables.put("AWS_LAMBDA_EXEC_WRAPPER", Match.absent());
        variables.put("DISABLE_SIGNAL_HANDLERS", Match.absent());
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023",
                "Architectures", List.of("x86_64"),
                "Layers", List.of(layer("LambdaAdapterLayerX86")),
                "SnapStart", Match.absent(),
                "Environment", Map.of("Variables", Match.objectLike(variables))));
    }

    @Test
    void streamsEndWithAReasonBeforeTheFunctionTimesOut() {
        Template t = rest().context("timeout", "600").env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_1__PATHS=/short
                AI_PROXY_ROUTES_1__MAX_STREAM_SECONDS=60
                """).template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "AI_PROXY_ROUTES_0__MAX_STREAM_SECONDS", "595",
                "AI_PROXY_ROUTES_1__MAX_STREAM_SECONDS", "60")))));
        // the buffered HTTP API never streams: nothing to limit there
        new Synth(dir).template().hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of(
                "Variables", Match.objectLike(Map.of("AI_PROXY_ROUTES_0__MAX_STREAM_SECONDS", Match.absent())))));
    }

    @Test
    void secretsAndLogsAreTheSameForEveryFrontDoor() {
        String readAtRunTime = Synth.SEED_ENV.replace("{{secretsmanager:", "{{aws-secret:");
        for (Synth synth : List.of(rest().env(readAtRunTime), url().env(readAtRunTime))) {
            Template t = synth.template();
            t.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
            t.hasResourceProperties("AWS::IAM::Policy",
                    Map.of("PolicyDocument", Map.of("Statement", List.of(Match.objectLike(Map.of(
                            "Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")))))));
        }
    }

    // --- url-stream ----------------------------------------------------------------------------------

    @Test
    void urlStreamIsAStreamingFunctionUrlOnTheAliasWithIamByDefault() {
        Template t = url().template();
        t.resourceCountIs("AWS::ApiGatewayV2::Api", 0);
        t.resourceCountIs("AWS::ApiGateway::RestApi", 0);
        t.resourceCountIs("AWS::Lambda::Url", 1);
        t.hasResourceProperties("AWS::Lambda::Url", Map.of(
                "InvokeMode", "RESPONSE_STREAM", "AuthType", "AWS_IAM", "Qualifier", "live"));
        t.resourceCountIs("AWS::Lambda::Permission", 0);
        t.hasOutput("ApiUrl",
                Map.of("Value", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("LiveFunctionUrl.*"), "FunctionUrl"))));
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "run.sh", "Layers", List.of(layer("LambdaAdapterLayerArm64")), "Timeout", 300));
    }

    @Test
    void urlStreamWithoutAuthIsPublicOnlyWithAllowPublicAccess() {
        var e = assertThrows(IllegalArgumentException.class, () -> url().context("auth", "none").stack());
        assertTrue(e.getMessage().contains("allowPublicAccess=true"), e.getMessage());
        Template t = url().context("auth", "none").context("allowPublicAccess", "true").template();
        t.hasResourceProperties("AWS::Lambda::Url", Map.of("AuthType", "NONE", "InvokeMode", "RESPONSE_STREAM"));
        t.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunctionUrl", "Principal", "*", "FunctionUrlAuthType", "NONE"));
    }

    @Test
    void urlStreamAlarmsOnTheUrl5xxRate() {
        Template t = url().template();
        for (String metric : List.of("Url5xxCount", "UrlRequestCount")) {
            t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of(
                    "MetricStat", Match.objectLike(Map.of("Metric", Match.objectLike(Map.of(
                            "MetricName", metric, "Namespace", "AWS/Lambda")), "Stat", "Sum", "Period", 300))))))));
        }
    }

    // --- refused combinations and missing builds ----------------------------------------------------

    @Test
    void jwtIsRefusedByBothStreamingFrontDoorsSayingWhatToUse() {
        for (String door : List.of("rest-stream", "url-stream")) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("frontDoor", door)
                    .context("auth", "jwt").context("jwtIssuer", "https://example.eu.auth0.com/").context("jwtAudience", "x")
                    .stack());
            assertTrue(e.getMessage().startsWith("auth=jwt is not available with frontDoor=" + door), e.getMessage());
            assertTrue(e.getMessage().contains("-c auth=iam") && e.getMessage().contains("-c frontDoor=http-api"),
                    e.getMessage());
        }
    }

    @Test
    void aThrottleIsRefusedWhereAFunctionUrlCannotApplyIt() {
        for (String setting : List.of("throttleRate", "throttleBurst")) {
            var e = assertThrows(IllegalArgumentException.class, () -> url().context(setting, "5").stack());
            assertTrue(e.getMessage().startsWith("throttleRate and throttleBurst are not available with frontDoor=url-stream"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("-c frontDoor=rest-stream"), e.getMessage());
        }
        // behind the REST API the same setting throttles its stage
        rest().context("throttleRate", "5").template().hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of("ThrottlingRateLimit", 5))))));
    }

    @Test
    void anUnknownFrontDoorIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("frontDoor", "websocket").stack());
        assertEquals("frontDoor must be one of [http-api, rest-stream, url-stream], not websocket", e.getMessage());
        // Case does not matter, as for the other choices.
        rest().context("frontDoor", "REST-STREAM").template().resourceCountIs("AWS::ApiGateway::RestApi", 1);
    }

    @Test
    void eachFrontDoorAndRuntimeHasItsDefaultArtifact() {
        assertEquals("../target/function.zip", GatewaySettings.defaultArtifact(FrontDoor.HTTP_API, FunctionRuntime.JVM));
        assertEquals("../target/function.zip", GatewaySettings.defaultArtifact(FrontDoor.HTTP_API, FunctionRuntime.NATIVE));
        assertEquals("../target/quarkus-app", GatewaySettings.defaultArtifact(FrontDoor.REST_STREAM, FunctionRuntime.JVM));
        assertEquals("../target/quarkus-app", GatewaySettings.defaultArtifact(FrontDoor.URL_STREAM, FunctionRuntime.JVM));
        assertEquals("../target/function-server.zip",
                GatewaySettings.defaultArtifact(FrontDoor.REST_STREAM, FunctionRuntime.NATIVE));
        assertEquals("../target/function-server.zip",
                GatewaySettings.defaultArtifact(FrontDoor.URL_STREAM, FunctionRuntime.NATIVE));
    }

    @Test
    void aMissingOrWrongServerBuildSaysHowToBuildIt() throws IOException {
        var missing = assertThrows(IllegalArgumentException.class,
                () -> rest().context("artifact", dir.resolve("nothing").toString()).stack());
        assertTrue(missing.getMessage().contains("not found") && missing.getMessage().contains("./mvnw package -Pserver"),
                missing.getMessage());

        // The Lambda build's quarkus-app has no run.sh.
        Path lambdaBuild = Files.createDirectories(dir.resolve("lambda-build/quarkus-app"));
        var noScript = assertThrows(IllegalArgumentException.class,
                () -> url().context("artifact", lambdaBuild.toString()).stack());
        assertTrue(noScript.getMessage().contains("has no run.sh") && noScript.getMessage().contains("./mvnw package -Pserver"),
                noScript.getMessage());

        var nativeMissing = assertThrows(IllegalArgumentException.class, () -> rest().context("runtime", "native")
                .context("artifact", dir.resolve("nothing.zip").toString()).stack());
        assertTrue(nativeMissing.getMessage().contains("function-server.zip"), nativeMissing.getMessage());

        Path wrongZip = dir.resolve("wrong.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(wrongZip))) {
            out.putNextEntry(new ZipEntry("quarkus-run.jar"));
            out.closeEntry();
        }
        var noBootstrap = assertThrows(IllegalArgumentException.class,
                () -> rest().context("runtime", "native").context("artifact", wrongZip.toString()).stack());
        assertTrue(noBootstrap.getMessage().contains("holds no bootstrap"), noBootstrap.getMessage());
    }

    @Test
    void aRunShThatCannotBeExecutedIsRefused() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path app = new Synth(dir).fakeServerDir();
        assertTrue(app.resolve("run.sh").toFile().setExecutable(false, false));
        var e = assertThrows(IllegalArgumentException.class, () -> rest().stack());
        assertTrue(e.getMessage().contains("run.sh is not executable"), e.getMessage());
    }
}
