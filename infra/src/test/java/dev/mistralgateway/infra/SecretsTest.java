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
    void theRoleReadsExactlyTheReferencedSecrets() {
        String json = Synth.json(new Synth(dir).env(TWO_ROUTES).template());
        assertTrue(json.contains(":secret:mistral/keys-??????"), "secret by name, any suffix");
        assertTrue(json.contains("\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:mistral-AbCdEf\""), "secret by ARN");
        assertTrue(json.contains(":parameter/gateway/ollama-token"), "SSM parameter");
        assertFalse(json.contains("\"*\""), "no wildcard resource");

        Template t = new Synth(dir).template();
        t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of(
                "Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                "Effect", "Allow",
                "Resource", Map.of("Fn::Join", List.of("", Match.arrayWith(
                        List.of(Match.stringLikeRegexp(":secret:mistral/api-key-\\?\\?\\?\\?\\?\\?$"))))))))));
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
    void ssmSecureAndUnknownReferencesAreRefused() {
        var secure = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{ssm-secure:/mistral/key}}
                """).stack());
        assertTrue(secure.getMessage().contains("do not accept SecureString"), secure.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{vault:mistral}}
                """).stack());
    }

    @Test
    void secretReferenceParsing() {
        assertEquals("{{resolve:secretsmanager:a/b:SecretString}}", SecretReference.resolve("{{secretsmanager:a/b}}", "x", new java.util.ArrayList<>()));
        assertEquals("x {{resolve:ssm:p}} y", SecretReference.resolve("x {{ssm:p}} y", "x", new java.util.ArrayList<>()));
        assertThrows(IllegalArgumentException.class, () -> SecretReference.resolve("Bearer {{secretsmanager:a", "x", new java.util.ArrayList<>()));
    }
}
