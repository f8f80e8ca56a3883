package dev.mistralgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.kong.Kong315;
import dev.mistralgateway.testing.kong.Kong315Examples;

/**
 * The 3.15 blocks the tests paste are ones Kong itself takes (its published schema), and the
 * gateway reads Kong 3.14's field names in them as Kong means them.
 */
class Kong315SchemaTest {

    private static final String URL = "https://api.mistral.ai/v1/chat/completions";

    @Test
    void kongsFailoverExampleFitsKongsSchema() {
        assertEquals(List.of(), Kong315.violations(
                Kong315Examples.priorityFailover(Kong315Examples.KONG_FAILOVER_CRITERIA, URL, URL)));
    }

    @Test
    void theBlockWithoutNonIdempotentFitsKongsSchema() {
        assertEquals(List.of(), Kong315.violations(Kong315Examples.priorityFailover("error, timeout, http_500", URL, URL)));
    }

    @Test
    void theCostsBlockFitsKongsSchema() {
        assertEquals(List.of(), Kong315.violations(Kong315Examples.cachedCosts(URL)));
        assertEquals("0.1", KongPluginConfig.parse(Kong315Examples.cachedCosts(URL)).properties()
                .get("targets[0].model.options.cache-read-cost"));
    }

    @Test
    void theTemplatedBlockFitsKongsSchema() {
        assertEquals(List.of(), Kong315.violations(Kong315Examples.templatedModel("$(uri_captures.model)", URL)));
    }

    @Test
    void kongsSchemaRefusesWhatKongRefuses() {
        // the check can fail: a criterion Kong does not know, and 3.15's slots below its minimum
        assertFalse(Kong315.violations(Kong315Examples.priorityFailover("error, http_418", URL, URL)).isEmpty());
        assertFalse(Kong315.violations(Kong315Examples.priorityFailover("error", URL, URL)
                .replace("slots: 10000", "slots: 5")).isEmpty());
    }

    @Test
    void modelAliasIsReadAsTheTargetsAlias() {
        KongPluginConfig block = KongPluginConfig.parse(
                Kong315Examples.priorityFailover(Kong315Examples.KONG_FAILOVER_CRITERIA, URL, URL));
        assertEquals("fast", block.properties().get("targets[0].model.model-alias"));
        assertEquals("error,timeout,invalid_header,http_429,http_500,http_503,non_idempotent",
                block.properties().get("balancer.failover-criteria").replace(" ", ""));
        assertEquals("10000", block.properties().get("balancer.slots"));
        assertEquals(List.of(), block.ignored());
    }
}
