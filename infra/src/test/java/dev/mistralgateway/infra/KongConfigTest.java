package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kong config: blocks pasted into AI_PROXY_ROUTES_<n>__CONFIG, read at synth. */
class KongConfigTest {

    /** The project README's block (ai-proxy-advanced's shape), its key as a reference. */
    static final String ADVANCED = """
            AI_PROXY_ROUTES_0__PATHS=/mistral-chat
            AI_PROXY_ROUTES_0__CONFIG='
            targets:
            - route_type: "llm/v1/chat"
              auth:
                header_name: "Authorization"
                header_value: "Bearer {{secretsmanager:mistral/api-key}}"
              model:
                provider: mistral
                name: "mistral-tiny"
                options:
                  mistral_format: openai
                  upstream_url: "https://api.mistral.ai/v1/chat/completions"
            '
            """;

    /** The same in Kong's ai-proxy (not Advanced) plugin: one target's fields at the top. */
    static final String AI_PROXY = """
            AI_PROXY_ROUTES_0__PATHS=/mistral-chat
            AI_PROXY_ROUTES_0__CONFIG='
            route_type: "llm/v1/chat"
            auth:
              header_name: "Authorization"
              header_value: "Bearer {{secretsmanager:mistral/api-key}}"
            model:
              provider: mistral
              name: "mistral-tiny"
              options:
                mistral_format: openai
            '
            """;

    @TempDir
    Path dir;

    @Test
    void theReadmesAdvancedBlockDeploysAsWritten() {
        Object block = Synth.variables(new Synth(dir).env(ADVANCED).template()).get("AI_PROXY_ROUTES_0__CONFIG");
        assertEquals("""

                targets:
                - route_type: "llm/v1/chat"
                  auth:
                    header_name: "Authorization"
                    header_value: "Bearer {{resolve:secretsmanager:mistral/api-key:SecretString}}"
                  model:
                    provider: mistral
                    name: "mistral-tiny"
                    options:
                      mistral_format: openai
                      upstream_url: "https://api.mistral.ai/v1/chat/completions"
                """, block);
    }

    @Test
    void anAiProxyBlockIsRefusedNamingWhatWasFoundAndWhatIsExpected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env(AI_PROXY).stack());
        String message = e.getMessage();
        assertTrue(message.contains("gateway.env line 2 (AI_PROXY_ROUTES_0__CONFIG): route_type, auth, model stand at the top "
                + "of the block, as in Kong's ai-proxy plugin;"), message);
        assertTrue(message.contains("this gateway reads ai-proxy-advanced's shape, where they are fields of a target "
                + "in the list 'targets:'"), message);
        assertTrue(message.contains("targets:\n- route_type: ...\n  auth: ...\n  model: ..."), message);
        assertFalse(message.contains("resolve:"), "no template text in the message: " + message);
    }

    @Test
    void aWholeAiProxyPluginEntryIsNamedToo() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir)
                        .env("""
                                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                                AI_PROXY_ROUTES_0__CONFIG='{"name": "ai-proxy", "config": {"route_type": "llm/v1/chat", "model": {"provider": "mistral"}}}'
                                """)
                        .stack());
        assertTrue(e.getMessage().contains("route_type, model stand at the top of the block, as in Kong's ai-proxy plugin"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("(the block names the plugin ai-proxy; this gateway takes ai-proxy-advanced's config)"),
                e.getMessage());
    }

    @Test
    void targetFieldsBesideTargetsAreRefusedToo() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__CONFIG={"model": {"name": "mistral-tiny"}, "targets": [{"route_type": "llm/v1/chat"}]}
                """).stack());
        assertTrue(
                e.getMessage().contains("gateway.env line 2 (AI_PROXY_ROUTES_0__CONFIG): model stands at the top of the block, "
                        + "beside 'targets:'"),
                e.getMessage());
    }

    @Test
    void aBlockThatIsNeitherYamlNorJsonFailsAtSynthNotAtTheGatewaysStart() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__CONFIG={"targets": [
                """).stack());
        assertTrue(e.getMessage().contains("gateway.env line 2 (AI_PROXY_ROUTES_0__CONFIG): is neither YAML nor JSON"),
                e.getMessage());
        var list = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__CONFIG=- route_type: llm/v1/chat
                """).stack());
        assertTrue(list.getMessage().endsWith("must be a Kong plugin config object, with 'targets' in it"), list.getMessage());
    }

    @Test
    void referencesReadAtRunTimeStayInTheBlockTheGatewayParses() {
        // the gateway parses the block with the reference as written, so infra does too: quoted, it is fine
        new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_0__CONFIG={"targets": [{"auth": {"header_value": "Bearer {{aws-secret:mistral/api-key}}"}}]}
                """).template();
    }
}
