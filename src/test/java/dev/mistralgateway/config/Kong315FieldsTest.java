package dev.mistralgateway.config;

import static dev.mistralgateway.config.RouteTableTest.failureFor;
import static dev.mistralgateway.config.RouteTableTest.routesFrom;
import static dev.mistralgateway.config.RouteTableTest.seedEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.LoggedRecords;
import dev.mistralgateway.testing.kong.Kong315Examples;

/** Kong 3.14 and 3.15's fields, in our variables and in a pasted block, read as Kong means them. */
class Kong315FieldsTest {

    private static final String URL = "https://api.mistral.ai/v1/chat/completions";

    @Test
    void theBodyLimitIsKongs1MibByDefault() {
        assertEquals(1024 * 1024, routesFrom(seedEnvironment()).get(0).maxRequestBodySize());
    }

    @Test
    void modelAliasIsKongs314NameOfTheAlias() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_MODEL_ALIAS", "tiny");
        assertEquals("tiny", routesFrom(env).get(0).targets().get(0).modelAlias().orElseThrow());
    }

    @Test
    void aPastedBlocksModelAliasIsItsTargetsAlias() {
        Map<String, String> env = Map.of("AI_PROXY_ROUTES_0__PATHS", "/chat", "AI_PROXY_ROUTES_0__CONFIG",
                Kong315Examples.priorityFailover(Kong315Examples.KONG_FAILOVER_CRITERIA, URL, URL));
        Route route = routesFrom(env).get(0);
        assertEquals("fast", route.targets().get(0).modelAlias().orElseThrow());
        assertEquals("fast", route.targets().get(1).modelAlias().orElseThrow());
        assertEquals(EnumSet.of(FailoverCriterion.ERROR, FailoverCriterion.TIMEOUT, FailoverCriterion.INVALID_HEADER,
                FailoverCriterion.HTTP_429, FailoverCriterion.HTTP_500, FailoverCriterion.HTTP_503,
                FailoverCriterion.NON_IDEMPOTENT), route.balancing().failoverCriteria());
        assertEquals(1, route.balancing().maxFails());
    }

    @Test
    void invalidHeaderAndNonIdempotentAreCriteria() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__BALANCER_FAILOVER_CRITERIA", "invalid_header,non_idempotent");
        assertEquals(EnumSet.of(FailoverCriterion.INVALID_HEADER, FailoverCriterion.NON_IDEMPOTENT),
                routesFrom(env).get(0).balancing().failoverCriteria());
    }

    /** The seed's route with one variable set: start-up fails, saying this. */
    private static void assertRefused(String variable, String value, String expected) {
        Map<String, String> env = seedEnvironment();
        env.put(variable, value);
        String failure = failureFor(env);
        assertTrue(failure.contains(expected), failure);
    }

    @Test
    void llmAccuracyNeedsKongsJudge() {
        assertRefused("AI_PROXY_ROUTES_0__BALANCER_TOKENS_COUNT_STRATEGY", "llm-accuracy",
                "AI_PROXY_ROUTES_0__BALANCER_TOKENS_COUNT_STRATEGY: 'llm-accuracy' needs Kong's ai-llm-as-judge plugin");
    }

    @Test
    void llmAccuracyInAPastedBlockNeedsKongsJudgeToo() {
        String block = Kong315Examples.priorityFailover("error", URL, URL)
                .replace("tokens_count_strategy: total-tokens", "tokens_count_strategy: llm-accuracy");
        String failure = failureFor(Map.of("AI_PROXY_ROUTES_0__PATHS", "/chat", "AI_PROXY_ROUTES_0__CONFIG", block));
        assertTrue(failure.contains("ai-llm-as-judge"), failure);
    }

    @Test
    void fieldsWithoutMeaningHereAreNamedInOneStartUpLine() {
        String block = Kong315Examples.priorityFailover("error", URL, URL) + "genai_category: text/generation\n";
        try (LoggedRecords logged = LoggedRecords.atLeast(Level.INFO)) {
            routesFrom(Map.of("AI_PROXY_ROUTES_0__PATHS", "/chat", "AI_PROXY_ROUTES_0__CONFIG", block));
            List<String> lines = logged.texts().stream().filter(line -> line.contains("no meaning")).toList();
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).contains("ignored: balancer.slots, genai_category"), lines.get(0));
        }
    }

    @Test
    void slotsAsAVariableIsNamedToo() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__BALANCER_SLOTS", "10000");
        try (LoggedRecords logged = LoggedRecords.atLeast(Level.INFO)) {
            routesFrom(env);
            assertEquals(1, logged.texts().stream().filter(line -> line.contains("ignored: balancer.slots (")).count(),
                    logged.texts()::toString);
        }
    }

    @Test
    void aCaptureNoRegexPathOfTheRouteHasIsAStartUpError() {
        Map<String, String> env = seedEnvironment();
        env.put("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "$(uri_captures.model)");
        String failure = failureFor(env);
        assertTrue(failure.contains("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME: $(uri_captures.model) needs a regex "
                + "path of the route that captures model"), failure);
        env.put("AI_PROXY_ROUTES_0__PATHS", "~/models/(?<model>[a-z0-9-]+)/chat$");
        assertEquals("$(uri_captures.model)", routesFrom(env).get(0).targets().get(0).modelName().orElseThrow());
    }

    @Test
    void aTemplateKongDoesNotHaveNamesItsVariable() {
        assertRefused("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "https://api.mistral.ai/$(cookies.x)/v1",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL: '$(cookies.x)' reads from 'cookies'");
    }

    @Test
    void theSwitchesThatChooseHowATargetIsSpokenToTakeNoTemplate() {
        assertRefused("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "$(headers.x-format)",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT: '$(headers.x-format)' is not one of");
        assertRefused("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_DROP_UNSUPPORTED", "$(headers.x-drop)",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_DROP_UNSUPPORTED: must be true or false");
        assertRefused("AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "$(headers.x-cloud)",
                "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD: must be true or false");
    }

    @Test
    void aRegexPathThatIsNoRegexIsAStartUpError() {
        assertRefused("AI_PROXY_ROUTES_0__PATHS", "~/models/(?<model>[a-z",
                "AI_PROXY_ROUTES_0__PATHS: '~/models/(?<model>[a-z' is not a regular expression");
    }
}
