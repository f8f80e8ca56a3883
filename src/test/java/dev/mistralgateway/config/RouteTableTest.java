package dev.mistralgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.route.Auth;
import dev.mistralgateway.route.Balancing;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.ModelOptions;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.SecretText;
import dev.mistralgateway.route.StreamingMode;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.testing.LoggedRecords;
import dev.mistralgateway.testing.TestRoutes;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The configuration contract: the documented environment variables, read by SmallRye's own
 * environment source, become validated routes; every mistake fails with the variable to fix.
 */
class RouteTableTest {

    /** The seed's example from Kong's Mistral guide, as a user sets it. */
    static Map<String, String> seedEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__NAME", "mistral-chat");
        env.put("AI_PROXY_ROUTES_0__PATHS", "/mistral-chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer <MISTRAL_AI_KEY>");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "mistral-tiny");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL",
                "https://api.mistral.ai/v1/chat/completions");
        return env;
    }

    static List<Route> routesFrom(Map<String, String> env) {
        return TestRoutes.fromEnvironment(env);
    }

    static String failureFor(Map<String, String> env) {
        return assertThrows(ConfigurationException.class, () -> routesFrom(env)).getMessage();
    }

    @Test
    void seedExampleBecomesOneRoute() {
        Route route = routesFrom(seedEnvironment()).get(0);

        assertEquals("mistral-chat", route.name());
        assertEquals(List.of("/mistral-chat"), route.paths());
        assertEquals(StreamingMode.ALLOW, route.streaming());
        assertEquals(1024 * 1024, route.maxRequestBodySize());
        assertTrue(route.modelNameHeader());
        assertEquals(Duration.ofMillis(60000), route.timeouts().read());
        Target target = route.targets().get(0);
        assertEquals(RouteType.CHAT, target.routeType());
        assertEquals(MistralFormat.OPENAI, target.format());
        assertEquals("mistral-tiny", target.modelName().orElseThrow());
        assertEquals(URI.create("https://api.mistral.ai/v1/chat/completions"), target.upstreamUrl());
        assertEquals("Authorization", target.auth().header().orElseThrow().name());
        assertEquals("Bearer <MISTRAL_AI_KEY>", target.auth().header().orElseThrow().value());
        assertFalse(target.auth().allowOverride());
        assertEquals(100, target.weight());
    }

    @Test
    void everyDocumentedVariableIsRead() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/a,/b");
        env.put("AI_PROXY_ROUTES_0__RESPONSE_STREAMING", "deny");
        env.put("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "65536");
        env.put("AI_PROXY_ROUTES_0__MODEL_NAME_HEADER", "false");
        env.put("AI_PROXY_ROUTES_0__BALANCER_CONNECT_TIMEOUT", "1000");
        env.put("AI_PROXY_ROUTES_0__BALANCER_READ_TIMEOUT", "2000");
        env.put("AI_PROXY_ROUTES_0__BALANCER_WRITE_TIMEOUT", "3000");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_NAME", "key");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_VALUE", "secret");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_LOCATION", "query");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_ALLOW_OVERRIDE", "true");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MAX_TOKENS", "512");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TEMPERATURE", "0.5");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TOP_P", "0.9");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TOP_K", "40");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_INPUT_COST", "0.25");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_OUTPUT_COST", "0.75");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__LOGGING_LOG_STATISTICS", "true");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__LOGGING_LOG_PAYLOADS", "true");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__WEIGHT", "70");

        Route route = routesFrom(env).get(0);

        assertEquals(List.of("/a", "/b"), route.paths());
        assertEquals(StreamingMode.DENY, route.streaming());
        assertEquals(65536, route.maxRequestBodySize());
        assertFalse(route.modelNameHeader());
        assertEquals(new Route.Timeouts(Duration.ofMillis(1000), Duration.ofMillis(2000), Duration.ofMillis(3000)),
                route.timeouts());
        Target target = route.targets().get(0);
        Auth.Param param = target.auth().param().orElseThrow();
        assertEquals(List.of("key", "secret", Auth.ParamLocation.QUERY),
                List.of(param.name(), param.value(), param.location()));
        assertTrue(target.auth().allowOverride());
        ModelOptions options = target.options();
        assertEquals(512, options.maxTokens().getAsInt());
        assertEquals(0.5, options.temperature().getAsDouble());
        assertEquals(0.9, options.topP().getAsDouble());
        assertEquals(40, options.topK().getAsInt());
        assertEquals(0.25, options.inputCost().getAsDouble());
        assertEquals(0.75, options.outputCost().getAsDouble());
        assertTrue(target.logStatistics());
        assertTrue(target.logPayloads());
        assertEquals(70, target.weight());
    }

    @Test
    void secondRouteIsReadToo() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_1__PATHS", "/local-chat");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__ROUTE_TYPE", "llm/v1/completions");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:8080/v1/completions");

        List<Route> routes = routesFrom(env);

        assertEquals(2, routes.size());
        assertEquals("local-chat", routes.get(1).name());
        assertEquals(RouteType.COMPLETIONS, routes.get(1).targets().get(0).routeType());
        assertTrue(routes.get(1).targets().get(0).auth().header().isEmpty());
        assertTrue(routes.get(1).targets().get(0).modelName().isEmpty());
    }

    @Test
    void noRouteSaysHowToConfigureOne() {
        String message = failureFor(Map.of());
        assertTrue(message.contains("no route is configured"), message);
        assertTrue(message.contains("AI_PROXY_ROUTES_0__PATHS"), message);
    }

    @Test
    void missingMistralFormatUsesKongsMessageAndNamesTheVariable() {
        Map<String, String> env = seedEnvironment();
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT");

        String message = failureFor(env);

        assertTrue(message.contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT: "
                + "must set 'model.options.mistral_format' for mistral provider"), message);
    }

    @Test
    void eachMistakeNamesItsVariable() {
        assertNamed("AI_PROXY_ROUTES_0__PATHS", "AI_PROXY_ROUTES_0__PATHS", "mistral-chat");
        assertNamed("AI_PROXY_ROUTES_0__RESPONSE_STREAMING", "AI_PROXY_ROUTES_0__RESPONSE_STREAMING", "sometimes");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE",
                "llm/v1/assistants");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER",
                "openai");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "raw");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TEMPERATURE",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TEMPERATURE", "5.5");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TOP_P", "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TOP_P",
                "1.5");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TOP_K", "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TOP_K",
                "501");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MAX_TOKENS",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MAX_TOKENS", "0");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "ftp://example.com/chat");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "api.mistral.ai/v1/chat/completions");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__WEIGHT", "AI_PROXY_ROUTES_0__TARGETS_0__WEIGHT", "0");
        assertNamed("AI_PROXY_ROUTES_0__BALANCER_READ_TIMEOUT", "AI_PROXY_ROUTES_0__BALANCER_READ_TIMEOUT", "0");
        assertNamed("AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "-1");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_VALUE",
                "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_NAME", "key");
    }

    @Test
    void aRouteSpeaksTheClientApiOfItsTargetsAndLlmFormat() {
        assertEquals(ClientApiKind.OPENAI, routesFrom(seedEnvironment()).get(0).clientApi());

        Map<String, String> responses = seedEnvironment();
        responses.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/responses");
        Route route = routesFrom(responses).get(0);
        assertEquals(ClientApiKind.RESPONSES, route.clientApi());
        // upstream, a Responses target takes chat requests, at Mistral's chat endpoint
        assertEquals(RouteType.CHAT, route.targets().get(0).routeType());

        Map<String, String> anthropic = seedEnvironment();
        anthropic.put("AI_PROXY_ROUTES_0__LLM_FORMAT", "anthropic");
        assertEquals(ClientApiKind.ANTHROPIC, routesFrom(anthropic).get(0).clientApi());
    }

    @Test
    void clientApiMistakesNameTheirVariable() {
        assertNamed("AI_PROXY_ROUTES_0__LLM_FORMAT", "AI_PROXY_ROUTES_0__LLM_FORMAT", "gemini");
        Map<String, String> both = seedEnvironment();
        both.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/responses");
        both.put("AI_PROXY_ROUTES_0__LLM_FORMAT", "anthropic");
        assertTrue(failureFor(both).contains("AI_PROXY_ROUTES_0__LLM_FORMAT: "), failureFor(both));
        Map<String, String> mixed = seedEnvironment();
        mixed.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/responses");
        seedEnvironment().forEach((name, value) -> mixed.putIfAbsent(name.replace("TARGETS_0", "TARGETS_1"), value));
        mixed.put("AI_PROXY_ROUTES_0__TARGETS_1__ROUTE_TYPE", "llm/v1/chat");
        assertTrue(failureFor(mixed).contains("either every target of a route is llm/v1/responses"), failureFor(mixed));
    }

    private static void assertNamed(String expectedInMessage, String variable, String value) {
        Map<String, String> env = seedEnvironment();
        env.put(variable, value);
        String message = failureFor(env);
        assertTrue(message.contains(expectedInMessage + ": "), () -> variable + "=" + value + " gave: " + message);
    }

    @Test
    void headerNameWithoutValueIsRefused() {
        Map<String, String> env = seedEnvironment();
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE");
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE: "));
    }

    @Test
    void chatDefaultsToMistralsCloudEndpoint() {
        Map<String, String> env = seedEnvironment();
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL");
        assertEquals(RouteTable.MISTRAL_CHAT_URL, routesFrom(env).get(0).targets().get(0).upstreamUrl());
    }

    @Test
    void aPathServedTwiceIsRefused() {
        Map<String, String> env = seedEnvironment();
        seedEnvironment().forEach((name, value) -> env.put(name.replace("ROUTES_0__", "ROUTES_1__"), value));
        env.put("AI_PROXY_ROUTES_1__NAME", "again");
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_1__PATHS: path /mistral-chat is already served"));
    }

    @Test
    void targetsAndTheBalancerAreRead() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__WEIGHT", "70");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__ROUTE_TYPE", "llm/v1/chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__MODEL_NAME", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__MODEL_OPTIONS_MISTRAL_FORMAT", "ollama");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__MODEL_OPTIONS_UPSTREAM_URL", "http://ollama.internal:11434/api/chat");
        env.put("AI_PROXY_ROUTES_0__BALANCER_ALGORITHM", "priority");
        env.put("AI_PROXY_ROUTES_0__BALANCER_RETRIES", "2");
        env.put("AI_PROXY_ROUTES_0__BALANCER_FAILOVER_CRITERIA", "error,timeout,http_429,http_503");
        env.put("AI_PROXY_ROUTES_0__BALANCER_HASH_ON_HEADER", "X-User");
        env.put("AI_PROXY_ROUTES_0__BALANCER_LATENCY_STRATEGY", "e2e");
        env.put("AI_PROXY_ROUTES_0__BALANCER_TOKENS_COUNT_STRATEGY", "completion-tokens");
        env.put("AI_PROXY_ROUTES_0__BALANCER_MAX_FAILS", "5");
        env.put("AI_PROXY_ROUTES_0__BALANCER_FAIL_TIMEOUT", "1000");

        Route route = routesFrom(env).get(0);

        assertEquals(2, route.targets().size());
        assertEquals(70, route.targets().get(0).weight());
        assertEquals(MistralFormat.OLLAMA, route.targets().get(1).format());
        Balancing balancing = route.balancing();
        assertEquals(Balancing.Algorithm.PRIORITY, balancing.algorithm());
        assertEquals(2, balancing.retries());
        assertEquals(EnumSet.of(Balancing.FailoverCriterion.ERROR, Balancing.FailoverCriterion.TIMEOUT,
                Balancing.FailoverCriterion.HTTP_429, Balancing.FailoverCriterion.HTTP_503), balancing.failoverCriteria());
        assertEquals("X-User", balancing.hashOnHeader());
        assertEquals(Balancing.LatencyStrategy.E2E, balancing.latencyStrategy());
        assertEquals(Balancing.TokensCountStrategy.COMPLETION_TOKENS, balancing.tokensCountStrategy());
        assertEquals(5, balancing.maxFails());
        assertEquals(Duration.ofMillis(1000), balancing.failTimeout());
    }

    @Test
    void balancerDefaultsAreKongs() {
        Balancing balancing = routesFrom(seedEnvironment()).get(0).balancing();
        assertEquals(Balancing.Algorithm.ROUND_ROBIN, balancing.algorithm());
        assertEquals(5, balancing.retries());
        assertEquals(EnumSet.of(Balancing.FailoverCriterion.ERROR, Balancing.FailoverCriterion.TIMEOUT),
                balancing.failoverCriteria());
        assertEquals(Balancing.LatencyStrategy.TPOT, balancing.latencyStrategy());
    }

    @Test
    void balancerMistakesNameTheirVariables() {
        assertNamed("AI_PROXY_ROUTES_0__BALANCER_ALGORITHM", "AI_PROXY_ROUTES_0__BALANCER_ALGORITHM", "fastest");
        assertNamed("AI_PROXY_ROUTES_0__BALANCER_RETRIES", "AI_PROXY_ROUTES_0__BALANCER_RETRIES", "-1");
        assertNamed("AI_PROXY_ROUTES_0__BALANCER_FAILOVER_CRITERIA", "AI_PROXY_ROUTES_0__BALANCER_FAILOVER_CRITERIA",
                "error,http_418");
        assertNamed("AI_PROXY_ROUTES_0__BALANCER_LATENCY_STRATEGY", "AI_PROXY_ROUTES_0__BALANCER_LATENCY_STRATEGY", "p99");
        assertNamed("AI_PROXY_ROUTES_0__BALANCER_MAX_FAILS", "AI_PROXY_ROUTES_0__BALANCER_MAX_FAILS", "-2");
        assertNamed("AI_PROXY_ROUTES_0__TARGETS_0__WEIGHT", "AI_PROXY_ROUTES_0__TARGETS_0__WEIGHT", "65536");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_TEMPERATURE", "9");
        env.put("AI_PROXY_ROUTES_0__RESPONSE_STREAMING", "maybe");
        String message = failureFor(env);
        assertTrue(message.contains("_TEMPERATURE: ") && message.contains("_RESPONSE_STREAMING: "), message);
    }

    @Test
    void environmentNamesFollowSmallRyesRule() {
        assertEquals("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT",
                EnvNames.of("ai-proxy.routes[0].targets[0].model.options.mistral-format"));
    }

    @Test
    void mistralCloudIsAssumedOnlyForMistralsHost() {
        Map<String, String> env = seedEnvironment();
        Target cloud = routesFrom(env).get(0).targets().get(0);
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL");
        Target defaultUrl = routesFrom(env).get(0).targets().get(0);
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:8080/v1/chat/completions");
        Target selfHosted = routesFrom(env).get(0).targets().get(0);
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "true");
        Target forced = routesFrom(env).get(0).targets().get(0);

        assertTrue(cloud.mistralCloud());
        assertTrue(defaultUrl.mistralCloud());
        assertFalse(selfHosted.mistralCloud());
        assertTrue(forced.mistralCloud());
    }

    @Test
    void codestralsOwnHostIsMistralsCloudToo() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/completions");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "https://codestral.mistral.ai/v1/fim/completions");
        assertTrue(routesFrom(env).get(0).targets().get(0).mistralCloud(), "Codestral keys' endpoint");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "https://CODESTRAL.mistral.ai/v1/chat/completions");
        assertTrue(routesFrom(env).get(0).targets().get(0).mistralCloud());
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL",
                "https://codestral.example.com/v1/chat/completions");
        assertFalse(routesFrom(env).get(0).targets().get(0).mistralCloud());
    }

    @Test
    void dropUnsupportedIsTrueOrFalse() {
        Map<String, String> env = seedEnvironment();
        assertFalse(routesFrom(env).get(0).targets().get(0).options().dropUnsupported(), "off unless asked for");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_DROP_UNSUPPORTED", "true");
        assertTrue(routesFrom(env).get(0).targets().get(0).options().dropUnsupported());
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_DROP_UNSUPPORTED", "yes please");
        String message = failureFor(env);
        assertTrue(message.contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_DROP_UNSUPPORTED: must be true or false, "
                + "not 'yes please'"), message);
    }

    @Test
    void ollamaNeedsItsUrlAndTakesItsOwnSettings() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "ollama");
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL");
        String message = failureFor(env);
        assertTrue(message.contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL: the ollama format needs "
                + "the full URL of Ollama's /api/chat"), message);

        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://ollama.internal:11434/api/chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_OLLAMA_NUM_CTX", "8192");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_OLLAMA_REPEAT_PENALTY", "1.1");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_OLLAMA_KEEP_ALIVE", "10m");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_OLLAMA_USE_MMAP", "false");
        Target target = routesFrom(env).get(0).targets().get(0);

        assertEquals(MistralFormat.OLLAMA, target.format());
        assertEquals(Map.of("num_ctx", 8192L, "repeat_penalty", 1.1, "keep_alive", "10m", "use_mmap", false),
                target.ollamaSettings());
    }

    @Test
    void aCredentialHoldsAtMostOneAwsReference() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "{{aws-ssm:/scheme}} {{aws-secret:mistral/api-key}}");
        String message = failureFor(env);
        assertTrue(message.contains("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE: holds more than one"), message);

        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer {{aws-secret:mistral/api-key}}");
        SecretText one = routesFrom(env).get(0).targets().get(0).auth().header().orElseThrow().secret();
        assertEquals(new SecretText.Reference(SecretText.Reference.Kind.SECRET, "mistral/api-key", null), one.reference());
    }

    @Test
    void embeddingsAndCompletionsWithoutUrlGoToMistralsEndpoints() {
        Map<String, String> env = seedEnvironment();
        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/embeddings");
        assertEquals(URI.create("https://api.mistral.ai/v1/embeddings"),
                routesFrom(env).get(0).targets().get(0).upstreamUrl());
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/completions");
        Target fim = routesFrom(env).get(0).targets().get(0);
        assertEquals(URI.create("https://api.mistral.ai/v1/fim/completions"), fim.upstreamUrl());
        assertTrue(fim.mistralCloud());

        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "ollama");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/embeddings");
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL: the ollama "
                + "format needs the full URL of Ollama's /api/embed"), failureFor(env));
    }

    @Test
    void aModelAliasNeedsAModelName() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_ALIAS", "tiny");
        Target target = routesFrom(env).get(0).targets().get(0);
        assertTrue(target.serves("tiny") && target.serves("mistral-tiny") && !target.serves("other"));

        env.remove("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME");
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_ALIAS: an alias names a configured "
                + "model: set AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME too"), failureFor(env));
    }

    @Test
    void theModelListPathIsCheckedAgainstTheRoutes() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/v1/models");
        assertTrue(failureFor(env).contains("AI_PROXY_MODELS_PATH: path /v1/models is already served by route "
                + "'mistral-chat'"), failureFor(env));
        env.put("AI_PROXY_MODELS_PATH", "off");
        assertEquals(List.of("/v1/models"), routesFrom(env).get(0).paths());
        env.put("AI_PROXY_MODELS_PATH", "models");
        assertTrue(failureFor(env).contains("AI_PROXY_MODELS_PATH: 'models' must start with /"), failureFor(env));
    }

    /** IAM and JWT authorizers read Authorization themselves: client keys there would be refused every time. */
    @Test
    void clientKeysStayOutOfTheHeaderOfTheFrontDoorsAuthorization() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_FRONT_DOOR_AUTH", "iam");
        env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", "a".repeat(64));
        assertTrue(failureFor(env).contains("AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER: the API in front "
                + "(AI_PROXY_FRONT_DOOR_AUTH) takes the Authorization header"), failureFor(env));

        env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER", "X-Api-Key");
        assertEquals("X-Api-Key", routesFrom(env).get(0).clientAuth().orElseThrow().header());
        env.put("AI_PROXY_FRONT_DOOR_AUTH", "cognito");
        assertTrue(failureFor(env).contains("AI_PROXY_FRONT_DOOR_AUTH: 'cognito' is not one of none, iam, jwt"));
    }

    /** Behind IAM or JWT a route without client keys is not open, and start-up does not say it is. */
    @Test
    void theOpenRouteWarningKnowsTheFrontDoor() {
        Map<String, String> env = seedEnvironment();
        try (LoggedRecords warnings = LoggedRecords
                .atLeast(Level.WARNING)) {
            routesFrom(env);
            assertTrue(warnings.lines().stream().anyMatch(line -> line.contains("is open")), warnings.lines()::toString);
        }
        env.put("AI_PROXY_FRONT_DOOR_AUTH", "jwt");
        try (LoggedRecords warnings = LoggedRecords
                .atLeast(Level.WARNING)) {
            routesFrom(env);
            assertFalse(warnings.lines().stream().anyMatch(line -> line.contains("is open")), warnings.lines()::toString);
        }
    }
}
