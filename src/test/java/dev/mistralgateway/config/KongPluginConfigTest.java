package dev.mistralgateway.config;

import static dev.mistralgateway.config.RouteTableTest.failureFor;
import static dev.mistralgateway.config.RouteTableTest.routesFrom;
import static dev.mistralgateway.config.RouteTableTest.seedEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.StreamingMode;
import dev.mistralgateway.route.Target;

/** A Kong plugin {@code config:} block pasted into {@code AI_PROXY_ROUTES_<n>__CONFIG}. */
class KongPluginConfigTest {

    /** The plugin block of Kong's Mistral guide, as a Kong user has it. */
    static final String SEED_YAML = """
            targets:
            - route_type: "llm/v1/chat"
              auth:
                header_name: "Authorization"
                header_value: "Bearer <MISTRAL_AI_KEY>"
              model:
                provider: mistral
                name: "mistral-tiny"
                options:
                  mistral_format: openai
                  upstream_url: "https://api.mistral.ai/v1/chat/completions"
            """;

    static final String SEED_JSON = """
            {"targets":[{"route_type":"llm/v1/chat",
              "auth":{"header_name":"Authorization","header_value":"Bearer <MISTRAL_AI_KEY>"},
              "model":{"provider":"mistral","name":"mistral-tiny",
                "options":{"mistral_format":"openai","upstream_url":"https://api.mistral.ai/v1/chat/completions"}}}],
             "response_streaming":"deny","max_request_body_size":16384}
            """;

    private static Map<String, String> pasted(String block) {
        return Map.of("AI_PROXY_ROUTES_0__PATHS", "/mistral-chat", "AI_PROXY_ROUTES_0__CONFIG", block);
    }

    @Test
    void pastedYamlGivesTheSameRouteAsTheVariables() {
        Route fromBlock = routesFrom(pasted(SEED_YAML)).get(0);
        Route fromVariables = routesFrom(seedEnvironment()).get(0);

        assertEquals(fromVariables.targets().get(0), fromBlock.targets().get(0));
        assertEquals(fromVariables.paths(), fromBlock.paths());
        assertEquals(fromVariables.streaming(), fromBlock.streaming());
    }

    @Test
    void pastedJsonWorksAndCarriesRouteSettings() {
        Route route = routesFrom(pasted(SEED_JSON)).get(0);

        assertEquals("mistral-tiny", route.targets().get(0).modelName().orElseThrow());
        assertEquals(StreamingMode.DENY, route.streaming());
        assertEquals(16384, route.maxRequestBodySize());
    }

    @Test
    void aWholePluginEntryIsUnwrapped() {
        String entry = "name: ai-proxy-advanced\nconfig:\n" + SEED_YAML.indent(2);
        assertEquals("mistral-tiny", routesFrom(pasted(entry)).get(0).targets().get(0).modelName().orElseThrow());
    }

    @Test
    void aSingleVariableOverridesTheBlock() {
        Map<String, String> env = new HashMap<>(pasted(SEED_YAML));
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer from-its-own-variable");

        Route route = routesFrom(env).get(0);

        assertEquals("Bearer from-its-own-variable", route.targets().get(0).auth().header().orElseThrow().value());
        assertEquals("mistral-tiny", route.targets().get(0).modelName().orElseThrow());
    }

    @Test
    void mistakesInTheBlockAreReportedLikeVariables() {
        String message = failureFor(pasted(SEED_YAML.replace("mistral_format: openai", "mistral_format: raw")));
        assertTrue(message.contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT: 'raw'"), message);
    }

    @Test
    void textThatIsNotYamlNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> routesFrom(pasted("targets: [ {")));
        assertTrue(e.getMessage().startsWith("AI_PROXY_ROUTES_0__CONFIG is neither YAML nor JSON"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> routesFrom(pasted("just a sentence")));
    }

    @Test
    void kongExportsWithNullsAndUnusedFieldsAreAccepted() {
        String export = SEED_YAML + """
                balancer:
                  algorithm: round-robin
                  read_timeout: 1500
                vectordb: null
                llm_format: openai
                genai_category: text/generation
                """;
        KongPluginConfig block = KongPluginConfig.parse(export);

        assertEquals(List.of("genai_category"), block.ignored());
        // llm_format picks the route's client API (openai, anthropic)
        assertEquals("openai", block.properties().get("llm-format"));
        assertEquals("1500", block.properties().get("balancer.read-timeout"));
        assertEquals(1500, routesFrom(pasted(export)).get(0).timeouts().read().toMillis());
    }

    @Test
    void ollamaSettingsAndTheCloudSwitchComeThrough() {
        String block = SEED_YAML.replace("mistral_format: openai", """
                mistral_format: ollama
                      mistral_cloud: false
                      ollama:
                        num_ctx: 16384
                        keep_alive: 5m""".stripLeading());
        Target target = routesFrom(pasted(block)).get(0).targets().get(0);

        assertEquals(MistralFormat.OLLAMA, target.format());
        assertEquals(Map.of("num_ctx", 16384L, "keep_alive", "5m"), target.ollamaSettings());
    }

    /** Kong's ai-proxy (not Advanced) block names what it found and where it belongs, not "no target". */
    @Test
    void anAiProxyBlockSaysWhereItsFieldsBelong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KongPluginConfig.parse(
                "route_type: llm/v1/chat\nauth:\n  header_name: Authorization\nmodel:\n  provider: mistral\n"));
        assertTrue(e.getMessage().startsWith("holds route_type, auth, model at its top, as Kong's ai-proxy plugin does"),
                e.getMessage());
    }
}
