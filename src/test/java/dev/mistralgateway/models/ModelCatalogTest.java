package dev.mistralgateway.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.KongConfigSource;
import dev.mistralgateway.config.OllamaSettingsEnvSource;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.RouteTable;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Who sees which models, when every route of the function wants a client key. */
class ModelCatalogTest {

    private static final String KEY = "catalog-key-31";
    /** SHA-256 of {@link #KEY}. */
    private static final String KEY_DIGEST = "4b8b446e5b13505331e9c999ab0600b99c4cd2844b8711152c8b5efc964522f9";

    private static ModelCatalog catalog() {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            String at = "AI_PROXY_ROUTES_" + i + "__";
            env.put(at + "PATHS", "/r" + i);
            env.put(at + "TARGETS_0__ROUTE_TYPE", "llm/v1/chat");
            env.put(at + "TARGETS_0__MODEL_PROVIDER", "mistral");
            env.put(at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
            env.put(at + "TARGETS_0__MODEL_NAME", "model-" + i);
        }
        env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", KEY_DIGEST);
        env.put("AI_PROXY_ROUTES_1__CLIENT_AUTH_KEY_SHA256", KEY_DIGEST.replace('4', '5'));
        GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new KongConfigSource(), new OllamaSettingsEnvSource())
                .build().getConfigMapping(GatewayConfig.class);
        return new ModelCatalog(new RouteTable(config));
    }

    @Test
    void aKeySeesTheModelsOfTheRoutesItOpens() {
        ModelCatalog catalog = catalog();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + KEY);

        assertEquals(List.of("model-0"), catalog.visibleTo(headers::get).data().stream().map(m -> m.id()).toList());
    }

    @Test
    void withoutAKeyOfAnyRouteTheListIsRefused() {
        ModelCatalog catalog = catalog();

        GatewayException none = assertThrows(GatewayException.class, () -> catalog.visibleTo(name -> null));
        assertEquals(401, none.status());
        assertEquals("the model list shows the models of the routes a client may call: send the API key of one as "
                + "Authorization: Bearer <key>", none.getMessage());
        Map<String, String> wrong = Map.of("Authorization", "Bearer nope");
        assertEquals(401, assertThrows(GatewayException.class, () -> catalog.visibleTo(wrong::get)).status());
    }
}
