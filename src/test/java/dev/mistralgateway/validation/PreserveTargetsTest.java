package dev.mistralgateway.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.testing.TestRoutes;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The {@code preserve} route type's configuration: where its targets call, and what it refuses at start-up. */
class PreserveTargetsTest {

    private static Map<String, String> preserveRoute() {
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/v1/ocr");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "preserve");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME", "Authorization");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE", "Bearer key");
        return env;
    }

    private static Target target(Map<String, String> env) {
        return TestRoutes.fromEnvironment(env).get(0).targets().get(0);
    }

    private static String failureFor(Map<String, String> env) {
        return assertThrows(ConfigurationException.class, () -> TestRoutes.fromEnvironment(env)).getMessage();
    }

    @Test
    void withoutUpstreamSettingsTheTargetIsMistralsCloudAndTakesTheClientsPath() {
        Target target = target(preserveRoute());

        assertEquals(RouteType.PRESERVE, target.routeType());
        assertEquals(URI.create("https://api.mistral.ai"), target.upstreamUrl());
        assertTrue(PreserveTargets.takesClientPath(target.upstreamUrl()));
        assertTrue(TestRoutes.fromEnvironment(preserveRoute()).get(0).preserves());
    }

    @Test
    void upstreamPathReplacesThePathOfTheUpstreamUrl() {
        Map<String, String> env = preserveRoute();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_PATH", "/v1/chat/moderations");
        assertEquals(URI.create("https://api.mistral.ai/v1/chat/moderations"), target(env).upstreamUrl());

        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://mistral.internal:8080/ignored");
        URI url = target(env).upstreamUrl();
        assertEquals(URI.create("http://mistral.internal:8080/v1/chat/moderations"), url);
        assertFalse(PreserveTargets.takesClientPath(url));
    }

    @Test
    void anUpstreamUrlWithAPathIsCalledAsItIs() {
        Map<String, String> env = preserveRoute();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "https://eu.example.com/mistral/v1/ocr");
        assertEquals(URI.create("https://eu.example.com/mistral/v1/ocr"), target(env).upstreamUrl());
    }

    @Test
    void aPastedKongBlockWithPreserveAndUpstreamPath() {
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/mistral/ocr");
        env.put("AI_PROXY_ROUTES_0__CONFIG", """
                targets:
                  - route_type: preserve
                    auth:
                      header_name: Authorization
                      header_value: Bearer key
                    model:
                      provider: mistral
                      options:
                        mistral_format: openai
                        upstream_path: /v1/ocr
                """);
        assertEquals(URI.create("https://api.mistral.ai/v1/ocr"), target(env).upstreamUrl());
    }

    @Test
    void aPathThatIsNoPathIsRefusedByItsVariable() {
        for (String bad : List.of("v1/ocr", "/v1/../admin", "/v1/ocr?x=1", "/v1/o cr")) {
            Map<String, String> env = preserveRoute();
            env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_PATH", bad);
            String failure = failureFor(env);
            assertTrue(failure.contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_PATH: '" + bad + "'"),
                    failure);
        }
    }

    @Test
    void preserveAndTranslatedTargetsDoNotMix() {
        Map<String, String> env = preserveRoute();
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__ROUTE_TYPE", "llm/v1/chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_1__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");

        String failure = failureFor(env);

        assertTrue(failure.contains("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE: preserve passes bodies through unread"),
                failure);
    }

    @Test
    void aKeyInTheBodyCannotBeAddedToABodyPassedThrough() {
        Map<String, String> env = preserveRoute();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_NAME", "api_key");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_VALUE", "secret");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_LOCATION", "body");

        String failure = failureFor(env);

        assertTrue(failure.contains("AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_LOCATION: a preserve target"), failure);
    }

    @Test
    void anUnknownRouteTypeNamesPreserveAmongTheChoices() {
        Map<String, String> env = preserveRoute();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "audio/v1/audio/transcriptions");

        assertTrue(failureFor(env).contains("llm/v1/responses or preserve"));
    }

    @Test
    void aPreserveRoutesPathServesThePathsBelowIt() {
        Map<String, String> env = preserveRoute();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/v1/files,/v1/files/special,~/jobs/(?<job>[a-z0-9-]+)");
        env.put("AI_PROXY_ROUTES_1__PATHS", "/v1/files/special/one,/mistral-chat");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__ROUTE_TYPE", "llm/v1/chat");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_1__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        RouteTable table = TestRoutes.tableFromEnvironment(env);
        Route preserve = table.routes().get(0);

        assertEquals(Optional.of(preserve), table.forPath("/v1/files/f-1/content"));
        assertEquals("/f-1/content", table.below(preserve, "/v1/files/f-1/content"));
        assertEquals("/x", table.below(preserve, "/v1/files/special/x"), "the longest path it is below");
        assertEquals("", table.below(preserve, "/v1/files"));
        assertEquals("/cancel", table.below(preserve, "/jobs/job-7/cancel"), "what follows a regex path's match");
        // an exact path of another route is looked up first; a translated route's path has nothing below it
        assertEquals(1, table.forPath("/v1/files/special/one").orElseThrow().index());
        assertEquals(Optional.empty(), table.forPath("/mistral-chat/x"));
        assertEquals(Optional.empty(), table.forPath("/v1/filesystem"), "below means after a /");
    }
}
