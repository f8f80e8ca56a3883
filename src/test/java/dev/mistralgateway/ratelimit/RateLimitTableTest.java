package dev.mistralgateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.TestRoutes;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Rate limits as the environment sets them: read, and each mistake named by its variable. */
class RateLimitTableTest {

    private static Map<String, String> route() {
        Map<String, String> env = new HashMap<>();
        env.put("AI_PROXY_ROUTES_0__PATHS", "/chat");
        env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256", "a".repeat(64) + "," + "b".repeat(64));
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai");
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:9/v1/chat/completions");
        return env;
    }

    private static RateLimitTable table(Map<String, String> env) {
        List<Route> routes = TestRoutes.fromEnvironment(env);
        GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withSources(new EnvConfigSource(env, 300)).build().getConfigMapping(GatewayConfig.class);
        return new RateLimitTable(config, routes);
    }

    @Test
    void severalLimitsOfARoute() {
        Map<String, String> env = route();
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_0__LIMIT", "60");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_0__WINDOW_SIZE", "60");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_0__PER", "client-key");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_1__LIMIT", "2.5");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_1__WINDOW_SIZE", "2592000");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_1__COUNTS", "cost");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_2__LIMIT", "100000");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_2__WINDOW_SIZE", "86400");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_2__COUNTS", "total-tokens");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_2__PER", "header:X-Team");
        env.put("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_NAMES", "alice, bob");
        RateLimitTable table = table(env);
        Route route = TestRoutes.fromEnvironment(env).get(0);

        assertEquals(List.of(
                new RateLimit(0, 60, 60_000, RateLimit.Counts.REQUESTS, RateLimit.Per.CLIENT_KEY, null),
                new RateLimit(1, 2.5, 2_592_000_000L, RateLimit.Counts.COST, RateLimit.Per.ROUTE, null),
                new RateLimit(2, 100000, 86_400_000, RateLimit.Counts.TOTAL_TOKENS, RateLimit.Per.HEADER, "X-Team")),
                table.of(route));
        assertEquals("bob", table.keyName(route, 1));
    }

    @Test
    void keysWithoutNamesAreNumbered() {
        Map<String, String> env = route();
        Route route = TestRoutes.fromEnvironment(env).get(0);
        assertEquals("key-2", table(env).keyName(route, 1));
        assertEquals(null, table(env).keyName(route, -1));
    }

    @Test
    void eachMistakeNamesItsVariable() {
        Map<String, String> env = route();
        env.remove("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_0__LIMIT", "-1");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_0__WINDOW_SIZE", "1.5");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_0__COUNTS", "words");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_1__LIMIT", "10");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_1__WINDOW_SIZE", "60");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_1__PER", "client-key");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_2__WINDOW_SIZE", "60");
        env.put("AI_PROXY_ROUTES_0__RATE_LIMITS_2__PER", "user");
        env.put("AI_PROXY_FRONT_DOOR_AUTH", "iam");
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> table(env));
        assertEquals(
                """
                        The gateway's configuration is invalid:
                          - AI_PROXY_ROUTES_0__RATE_LIMITS_0__LIMIT: must be a number above 0, not '-1'
                          - AI_PROXY_ROUTES_0__RATE_LIMITS_0__WINDOW_SIZE: a whole number of seconds up to a year (31622400), not 1.5
                          - AI_PROXY_ROUTES_0__RATE_LIMITS_0__COUNTS: one of requests, total-tokens, prompt-tokens, completion-tokens, cost; not 'words'
                          - AI_PROXY_ROUTES_0__RATE_LIMITS_1__PER: client-key needs the route's client keys (AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256)
                          - AI_PROXY_ROUTES_0__RATE_LIMITS_2__LIMIT: must be set (a number above 0)
                          - AI_PROXY_ROUTES_0__RATE_LIMITS_2__PER: one of client-key, route, ip, header:<name>; not 'user'""",
                refused.getMessage());
    }
}
