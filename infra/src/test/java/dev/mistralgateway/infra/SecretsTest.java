package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class SecretsTest {

    private static final String TWO_ROUTES = """
            # a JSON secret, a complete ARN and a plain String parameter
            AI_PROXY_ROUTES_0__PATHS=/mistral-chat
            AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE="Bearer {{secretsmanager:mistral/keys:chat}}"
            AI_PROXY_ROUTES_0__TARGETS_1__AUTH_HEADER_VALUE=Bearer {{secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:mistral-AbCdEf}}
            AI_PROXY_ROUTES_1__PATHS=/ollama-chat
            AI_PROXY_ROUTES_1__TARGETS_0__AUTH_PARAM_VALUE={{ssm:/gateway/ollama-token}}
            """;

    @TempDir
    Path dir;

    @Test
    void referencesBecomeDynamicReferences() {
        Template t = new Synth(dir).env(TWO_ROUTES).template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE",
                "Bearer {{resolve:secretsmanager:mistral/keys:SecretString:chat}}",
                "AI_PROXY_ROUTES_0__TARGETS_1__AUTH_HEADER_VALUE",
                "Bearer {{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:mistral-AbCdEf:SecretString}}",
                "AI_PROXY_ROUTES_1__TARGETS_0__AUTH_PARAM_VALUE", "{{resolve:ssm:/gateway/ollama-token}}")))));
    }

    @Test
    void theRoleReadsExactlyTheSecretsReadAtRunTime() {
        String runTime = TWO_ROUTES.replace("{{secretsmanager:", "{{aws-secret:").replace("{{ssm:", "{{aws-ssm:");
        String json = Synth.json(new Synth(dir).env(runTime).template());
        assertTrue(json.contains(":secret:mistral/keys-??????"), "secret by name, any suffix");
        assertTrue(json.contains("\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:mistral-AbCdEf\""), "secret by ARN");
        assertTrue(json.contains(":parameter/gateway/ollama-token"), "SSM parameter");
        assertFalse(json.contains("\"*\""), "no wildcard resource");

        Template t = new Synth(dir).env(Synth.SEED_ENV.replace("{{secretsmanager:", "{{aws-secret:")).template();
        t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of(
                "Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                "Effect", "Allow",
                "Resource", Map.of("Fn::Join", List.of("", Match.arrayWith(
                        List.of(Match.stringLikeRegexp(":secret:mistral/api-key-\\?\\?\\?\\?\\?\\?$"))))))))));
    }

    @Test
    void onlyTheReferencesReadAtRunTimeAreGranted() {
        String json = Synth.json(new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{secretsmanager:deploy/key}}
                AI_PROXY_ROUTES_0__TARGETS_1__AUTH_HEADER_VALUE=Bearer {{aws-secret:runtime/key}}
                """).template());
        assertTrue(json.contains(":secret:runtime/key-??????"), json);
        assertFalse(json.contains(":secret:deploy/key"), json);
    }

    @Test
    void referencesResolvedAtDeployTimeGrantTheFunctionNothing() {
        // CloudFormation reads them, with the deployer's rights; the function never does
        Template t = new Synth(dir).env(TWO_ROUTES).template();
        String json = Synth.json(t);
        assertFalse(json.contains("secretsmanager:GetSecretValue"), json);
        assertFalse(json.contains("ssm:GetParameter"), json);
        t.resourceCountIs("AWS::IAM::Policy", 0);
    }

    @Test
    void noPlainKeyInTheTemplateOfTheShippedExample() throws IOException {
        // The gateway.env shipped in infra/ must synthesize and keep its key out of the template.
        Path shipped = Path.of("gateway.env");
        String json = Synth.json(new Synth(dir).env(Files.readString(shipped)).template());
        assertTrue(json.contains("Bearer {{resolve:secretsmanager:mistral/api-key:SecretString}}"), json);
        // Every Bearer in the template is followed by a dynamic reference, and no raw reference is left.
        assertFalse(Pattern.compile("Bearer (?!\\{\\{resolve:)").matcher(json).find());
        assertFalse(json.contains("{{secretsmanager:") || json.contains("{{ssm:"));
    }

    @Test
    void aPlainTextKeyFailsNamingItsLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat

                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer sk-plain-0123456789
                """).stack());
        assertTrue(e.getMessage().contains("line 3 (AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE) holds a plain-text value"),
                e.getMessage());
        assertFalse(e.getMessage().contains("sk-plain"), "the message must not repeat the key");

        var param = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_VALUE=sk-plain
                """).stack());
        assertTrue(param.getMessage().contains("line 2 (AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_VALUE)"), param.getMessage());
    }

    @Test
    void aKeyInsideAPastedKongConfigMustBeAReferenceToo() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__CONFIG={"auth":{"header_name":"Authorization","header_value":"Bearer sk-plain"}}
                """).stack());
        assertTrue(e.getMessage().contains("line 2 (AI_PROXY_ROUTES_0__CONFIG)"), e.getMessage());
    }

    @Test
    void aJsonConfigBlockMayCloseSeveralObjectsAtOnce() {
        // "}}" ends nested JSON objects: only a "{{" left open is a malformed reference
        Template t = new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__CONFIG={"targets":[{"auth":{"header_value":"Bearer {{secretsmanager:mistral/api-key}}"}}]}
                """).template();
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "AI_PROXY_ROUTES_0__CONFIG",
                "{\"targets\":[{\"auth\":{\"header_value\":\"Bearer {{resolve:secretsmanager:mistral/api-key:SecretString}}\"}}]}")))));
        // CDK's template check reads a dynamic reference up to the last "}}" of the value and warns (E1050);
        // CloudFormation ends it at the first, as it must to allow several in one value
        assertEquals(List.of(), Synth.validationViolations(dir));
        var open = assertThrows(IllegalArgumentException.class, () -> SecretReference.resolve(
                "{\"header_value\":\"Bearer {{secretsmanager:mistral/api-key\"}", "x", new java.util.ArrayList<>()));
        assertTrue(open.getMessage().startsWith("x: malformed reference"), open.getMessage());
    }

    @Test
    void ssmSecureAndUnknownReferencesAreRefused() {
        var secure = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{ssm-secure:/mistral/key}}
                """).stack());
        assertTrue(secure.getMessage().contains("do not accept SecureString"), secure.getMessage());
        assertTrue(secure.getMessage().contains("{{aws-ssm:NAME}}"), "names the run-time way: " + secure.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{vault:mistral}}
                """).stack());
    }

    @Test
    void secretReferenceParsing() {
        assertEquals("{{resolve:secretsmanager:a/b:SecretString}}",
                SecretReference.resolve("{{secretsmanager:a/b}}", "x", new java.util.ArrayList<>()));
        assertEquals("x {{resolve:ssm:p}} y", SecretReference.resolve("x {{ssm:p}} y", "x", new java.util.ArrayList<>()));
        assertThrows(IllegalArgumentException.class,
                () -> SecretReference.resolve("Bearer {{secretsmanager:a", "x", new java.util.ArrayList<>()));
    }

    private static final String READ_AT_RUNTIME = """
            AI_PROXY_ROUTES_0__PATHS=/mistral-chat
            AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{aws-secret:mistral/keys:chat}}
            AI_PROXY_ROUTES_0__TARGETS_1__AUTH_PARAM_VALUE={{aws-ssm:/gateway/ollama-token}}
            """;

    @Test
    void runtimeReferencesStayAsWrittenAndBringTheExtension() {
        Template t = new Synth(dir).env(READ_AT_RUNTIME).template();
        String json = Synth.json(t);
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer {{aws-secret:mistral/keys:chat}}",
                "AI_PROXY_ROUTES_0__TARGETS_1__AUTH_PARAM_VALUE", "{{aws-ssm:/gateway/ollama-token}}",
                // the gateway caches each value for AI_PROXY_SECRETS_TTL; the extension must not add its own TTL
                "PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED", "false")))));
        assertFalse(json.contains("{{resolve:"), "nothing is resolved at deploy time");
        assertTrue(json.contains("AWS-Parameters-and-Secrets-Lambda-Extension-Arm64"), "the arm64 extension layer");
        // the function reads them itself, so its role must allow exactly these two
        assertTrue(json.contains(":secret:mistral/keys-??????"), json);
        assertTrue(json.contains(":parameter/gateway/ollama-token"), json);
    }

    @Test
    void runtimeReferencesTurnSnapStartOffWithAWarningOnTheJvm() {
        GatewayStack jvm = new Synth(dir).env(READ_AT_RUNTIME).stack();
        Template.fromStack(jvm).hasResourceProperties("AWS::Lambda::Function", Map.of("SnapStart", Match.absent()));
        assertTrue(Synth.warnings(jvm).stream().anyMatch(w -> w.contains("SnapStart is off")), Synth.warnings(jvm).toString());

        GatewayStack deployTime = new Synth(dir).stack();
        Template.fromStack(deployTime).hasResourceProperties("AWS::Lambda::Function", Map.of(
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"), "Layers", Match.absent()));
        assertFalse(Synth.json(Template.fromStack(deployTime)).contains("Parameters-and-Secrets"),
                "no extension without run-time references");
        assertTrue(Synth.warnings(deployTime).isEmpty(), Synth.warnings(deployTime).toString());

        GatewayStack nativeBuild = new Synth(dir).env(READ_AT_RUNTIME).context("runtime", "native").stack();
        assertTrue(Synth.json(Template.fromStack(nativeBuild)).contains("AWS-Parameters-and-Secrets-Lambda-Extension-Arm64"));
        assertTrue(Synth.warnings(nativeBuild).isEmpty(), "native has no SnapStart to lose: " + Synth.warnings(nativeBuild));
    }

    @Test
    void theStreamingServerBuildGetsBothExtensions() {
        Template t = new Synth(dir).env(READ_AT_RUNTIME).context("frontDoor", "rest-stream").template();
        String json = Synth.json(t);
        assertTrue(json.contains("LambdaAdapterLayerArm64"), "the web adapter");
        assertTrue(json.contains("AWS-Parameters-and-Secrets-Lambda-Extension-Arm64"), "the secrets extension");
    }

    @Test
    void aValueHoldsOneRuntimeReference() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE={{aws-ssm:/scheme}} {{aws-secret:mistral/api-key}}
                """).stack());
        assertTrue(e.getMessage().contains("line 2 (AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE): holds more than one"),
                e.getMessage());
        assertEquals("{{aws-secret:arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf:chat}}",
                SecretReference.resolve("{{aws-secret: arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf:chat }}",
                        "x", new java.util.ArrayList<>()));
    }
}
