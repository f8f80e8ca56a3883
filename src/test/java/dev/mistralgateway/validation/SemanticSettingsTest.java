package dev.mistralgateway.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.KongConfigSource;
import dev.mistralgateway.config.KongPluginConfig;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The semantic algorithm's settings, from the environment variables and a pasted Kong block, and every mistake's message. */
class SemanticSettingsTest {

    private static Map<String, String> semanticRoute() {
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/semantic");
        env.put("AI_PROXY_ROUTES_0__BALANCER_ALGORITHM", "semantic");
        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_NAME", "mistral-embed");
        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_AUTH_HEADER_NAME", "Authorization");
        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_AUTH_HEADER_VALUE", "Bearer embed-key");
        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_OPTIONS_INPUT_COST", "0.1");
        env.put("AI_PROXY_ROUTES_0__VECTORDB_DISTANCE_METRIC", "euclidean");
        env.put("AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD", "0.5");
        env.put("AI_PROXY_ROUTES_0__VECTORDB_DIMENSIONS", "3");
        target(env, 0, "Code and programming");
        target(env, 1, "CATCHALL");
        return env;
    }

    private static void target(Map<String, String> env, int t, String description) {
        String at = "AI_PROXY_ROUTES_0__TARGETS_" + t + "__";
        env.put(at + "ROUTE_TYPE", "llm/v1/chat");
        env.put(at + "MODEL_PROVIDER", "mistral");
        env.put(at + "MODEL_NAME", "model-" + t);
        env.put(at + "MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        if (description != null) {
            env.put(at + "DESCRIPTION", description);
        }
    }

    private static GatewayConfig config(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withSources(new EnvConfigSource(env, 300)).withSources(new KongConfigSource()).build();
        return config.getConfigMapping(GatewayConfig.class);
    }

    private static SemanticSettings settings(Map<String, String> env) {
        GatewayConfig config = config(env);
        Route route = RouteTable.validate(config).get(0);
        return SemanticSettings.of(config, route).orElseThrow();
    }

    private static String failureFor(Map<String, String> env) {
        return assertThrows(ConfigurationException.class, () -> RouteTable.validate(config(env))).getMessage();
    }

    @Test
    void theVariablesBecomeTheEmbeddingsModelAndTheDistanceRule() {
        SemanticSettings settings = settings(semanticRoute());

        Target model = settings.embeddings();
        assertEquals(RouteType.EMBEDDINGS, model.routeType());
        assertEquals("mistral-embed", model.modelName().orElseThrow());
        assertEquals(MistralFormat.OPENAI, model.format(), "Kong's embeddings block has no format: openai by default");
        assertEquals(URI.create("https://api.mistral.ai/v1/embeddings"), model.upstreamUrl());
        assertTrue(model.mistralCloud());
        assertEquals("Bearer embed-key", model.auth().header().orElseThrow().value());
        assertEquals(0.1, model.options().inputCost().orElseThrow());
        assertEquals(SemanticSettings.Metric.EUCLIDEAN, settings.metric());
        assertEquals(OptionalDouble.of(0.5), settings.threshold());
        assertEquals(3, settings.dimensions().orElseThrow());
        assertEquals(List.of("Code and programming", "CATCHALL"), settings.descriptions());
        assertTrue(settings.catchAll(1));
        assertFalse(settings.catchAll(0));
    }

    @Test
    void anOllamaEmbeddingsServerNeedsItsUrl() {
        Map<String, String> env = semanticRoute();
        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_OPTIONS_MISTRAL_FORMAT", "ollama");

        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_OPTIONS_UPSTREAM_URL: the ollama "
                + "format needs the full URL of Ollama's /api/embed"), failureFor(env));

        env.put("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_OPTIONS_UPSTREAM_URL", "http://ollama:11434/api/embed");
        assertEquals(MistralFormat.OLLAMA, settings(env).embeddings().format());
        assertFalse(settings(env).embeddings().mistralCloud());
    }

    @Test
    void semanticWithoutAnEmbeddingsModelNamesTheVariable() {
        Map<String, String> env = semanticRoute();
        env.remove("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_NAME");
        env.remove("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_PROVIDER");

        String failure = failureFor(env);

        assertTrue(failure.contains("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_NAME: the semantic algorithm embeds"), failure);
        assertTrue(failure.contains("AI_PROXY_ROUTES_0__EMBEDDINGS_MODEL_PROVIDER: set mistral"), failure);
    }

    @Test
    void aThresholdThatIsNoDistanceNamesTheVariable() {
        Map<String, String> env = semanticRoute();
        env.put("AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD", "near");
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD: must be a number, not 'near'"));

        env.put("AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD", "-0.1");
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD: is the greatest distance"));

        env.put("AI_PROXY_ROUTES_0__VECTORDB_DISTANCE_METRIC", "cosine");
        env.put("AI_PROXY_ROUTES_0__VECTORDB_THRESHOLD", "2.5");
        assertTrue(failureFor(env).contains("between 0 and 2 for cosine"), failureFor(env));
    }

    @Test
    void aThresholdWithoutCatchallIsAcceptedAsInKongsOwnExample() {
        Map<String, String> env = semanticRoute();
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__DESCRIPTION", "Real life topics");

        SemanticSettings settings = settings(env);

        assertEquals(OptionalDouble.of(0.5), settings.threshold());
        assertFalse(settings.catchAll(0) || settings.catchAll(1));
    }

    @Test
    void everyTargetNeedsADescriptionAndTheMetricIsKongs() {
        Map<String, String> env = semanticRoute();
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__DESCRIPTION");
        env.put("AI_PROXY_ROUTES_0__VECTORDB_DISTANCE_METRIC", "manhattan");
        env.put("AI_PROXY_ROUTES_0__VECTORDB_DIMENSIONS", "0");

        String failure = failureFor(env);

        assertTrue(failure.contains("AI_PROXY_ROUTES_0__TARGETS_0__DESCRIPTION: the semantic algorithm routes"), failure);
        assertTrue(failure.contains("AI_PROXY_ROUTES_0__VECTORDB_DISTANCE_METRIC: 'manhattan' is not one of cosine, "
                + "euclidean"), failure);
        assertTrue(failure.contains("AI_PROXY_ROUTES_0__VECTORDB_DIMENSIONS: must be a whole number of at least 1"),
                failure);
    }

    @Test
    void otherAlgorithmsNeedNoDescriptions() {
        Map<String, String> env = semanticRoute();
        env.put("AI_PROXY_ROUTES_0__BALANCER_ALGORITHM", "round-robin");
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__DESCRIPTION");
        GatewayConfig config = config(env);

        assertTrue(SemanticSettings.of(config, RouteTable.validate(config).get(0)).isEmpty());
    }

    /** Kong's 3.15 semantic example (with fallback), its OpenAI models swapped for Mistral's. */
    @Test
    void aPastedKongBlockCarriesTheSameSettings() {
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/semantic");
        env.put("AI_PROXY_ROUTES_0__CONFIG", """
                balancer:
                  algorithm: semantic
                  retries: 3
                embeddings:
                  auth:
                    header_name: Authorization
                    header_value: Bearer embed-key
                  model:
                    name: mistral-embed
                    provider: mistral
                    options:
                      upstream_url: http://127.0.0.1:9/v1/embeddings
                vectordb:
                  strategy: redis
                  distance_metric: cosine
                  threshold: 0.7
                  dimensions: 1024
                  redis:
                    host: localhost
                    port: 6379
                targets:
                - route_type: llm/v1/chat
                  description: Specialist in programming problems
                  weight: 75
                  model: {provider: mistral, name: codestral-latest, options: {mistral_format: openai}}
                - route_type: llm/v1/chat
                  description: Specialist in programming problems
                  weight: 25
                  model: {provider: mistral, name: devstral-small-latest, options: {mistral_format: openai}}
                - route_type: llm/v1/chat
                  description: CATCHALL
                  model: {provider: mistral, name: mistral-small-latest, options: {mistral_format: openai}}
                """);

        SemanticSettings settings = settings(env);

        assertEquals(URI.create("http://127.0.0.1:9/v1/embeddings"), settings.embeddings().upstreamUrl());
        assertEquals(SemanticSettings.Metric.COSINE, settings.metric());
        assertEquals(OptionalDouble.of(0.7), settings.threshold());
        assertEquals(1024, settings.dimensions().orElseThrow());
        assertEquals(List.of("Specialist in programming problems", "Specialist in programming problems", "CATCHALL"),
                settings.descriptions());
        assertEquals(List.of("vectordb.strategy", "vectordb.redis.host", "vectordb.redis.port"),
                KongPluginConfig.parse(env.get("AI_PROXY_ROUTES_0__CONFIG")).ignored());
    }
}
