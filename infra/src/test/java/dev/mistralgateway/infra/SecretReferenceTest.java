package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The reference grammar of SecretReference's comment, without CDK. The run-time references must be read as the
 * gateway's SecretText reads them: the expected names and keys below are what SecretText gives for the same text.
 */
class SecretReferenceTest {

    private static SecretReference only(String text) {
        List<SecretReference> found = new ArrayList<>();
        SecretReference.resolve(text, "x", found);
        assertEquals(1, found.size(), text);
        return found.get(0);
    }

    private static void reads(String text, SecretReference.Kind kind, String id, String jsonKey) {
        SecretReference ref = only(text);
        assertEquals(List.of(kind, id, String.valueOf(jsonKey)), List.of(ref.kind(), ref.id(), String.valueOf(ref.jsonKey())),
                text);
    }

    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf";

    @Test
    void runTimeReferencesSplitAsTheGatewaySplitsThem() {
        var secret = SecretReference.Kind.SECRETS_MANAGER;
        reads("{{aws-secret:mistral/api-key}}", secret, "mistral/api-key", null);
        reads("{{aws-secret:mistral/keys:chat}}", secret, "mistral/keys", "chat");
        // a name has no ':', so the first one starts the key, which keeps any further ':'
        reads("{{aws-secret:mistral/keys:a:b}}", secret, "mistral/keys", "a:b");
        // a complete ARN has 7 parts: the key starts after the 7th ':'
        reads("{{aws-secret:" + ARN + "}}", secret, ARN, null);
        reads("{{aws-secret:" + ARN + ":chat}}", secret, ARN, "chat");
        reads("Bearer {{aws-secret: mistral/keys:chat }}", secret, "mistral/keys", "chat");
        reads("{{aws-ssm:/gateway/key}}", SecretReference.Kind.SSM_PARAMETER, "/gateway/key", null);
    }

    @Test
    void deployTimeReferencesFollowTheSameGrammar() {
        reads("{{secretsmanager:mistral/keys:a:b}}", SecretReference.Kind.SECRETS_MANAGER, "mistral/keys", "a:b");
        reads("{{secretsmanager:" + ARN + ":chat}}", SecretReference.Kind.SECRETS_MANAGER, ARN, "chat");
        reads("{{ssm:/gateway/key}}", SecretReference.Kind.SSM_PARAMETER, "/gateway/key", null);
        assertEquals("{{resolve:secretsmanager:" + ARN + ":SecretString:chat}}",
                SecretReference.resolve("{{secretsmanager:" + ARN + ":chat}}", "x", new ArrayList<>()));
    }

    @Test
    void anEmptyJsonKeyIsRefused() {
        // The gateway would look for the key "" in the secret and fail to start; infra used to read the whole secret.
        for (String text : List.of("{{aws-secret:mistral/keys:}}", "{{secretsmanager:" + ARN + ":}}")) {
            var e = assertThrows(IllegalArgumentException.class, () -> SecretReference.resolve(text, "x", new ArrayList<>()));
            assertTrue(
                    e.getMessage().startsWith(
                            "x: " + text.substring(0, text.length() - 2) + "}} names no JSON key after its last ':'"),
                    e.getMessage());
        }
    }

    @Test
    void whatTheGatewayWouldOnlyRefuseAtStartIsRefusedAtSynth() {
        for (String text : List.of("{{aws-secret: }}", "{{aws-secret:a{b}}", "{{aws-ssm:a:b}}")) {
            assertThrows(IllegalArgumentException.class, () -> SecretReference.resolve(text, "x", new ArrayList<>()), text);
        }
    }
}
