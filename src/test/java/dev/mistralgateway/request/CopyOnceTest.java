package dev.mistralgateway.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.ThreadMXBean;

import dev.mistralgateway.format.openai.OpenAiFormat;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.TestRoutes;

/**
 * An attempt copies the client's body once, not twice: the target's settings go on a copy of the top level
 * only (they change no nested node), and the format that rewrites nested nodes (the openai format's hygiene)
 * copies the tree. Shown by identity, and measured in bytes allocated for a large body of many messages.
 */
class CopyOnceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Route route = TestRoutes.fromEnvironment(Map.of(
            "AI_PROXY_ROUTES_0__PATHS", "/chat",
            "AI_PROXY_ROUTES_0__MAX_REQUEST_BODY_SIZE", "0",
            "AI_PROXY_ROUTES_0__MAX_MESSAGES", "1000000",
            "AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE", "llm/v1/chat",
            "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER", "mistral",
            "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME", "mistral-tiny",
            "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MAX_TOKENS", "64",
            "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", "openai",
            "AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "https://api.mistral.ai/v1/chat/completions"))
            .get(0);
    private final KongRequestRules rules = new KongRequestRules(MAPPER);

    private static byte[] manyMessages(int count) {
        StringBuilder body = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"message ").append(i).append("\"}");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theTargetsSettingsGoOnACopyOfTheTopLevelOnly() {
        ObjectNode checked = rules.check(route, manyMessages(3));

        ClientRequest request = rules.forTarget(route, route.targets().get(0), checked);

        assertSame(checked.get("messages"), request.body().get("messages"), "the messages were copied");
        assertEquals(64, request.body().get("max_tokens").intValue());
        assertFalse(checked.has("max_tokens"), "the client's body was changed: the next target would see it");
        ObjectNode upstream = new OpenAiFormat(MAPPER).toUpstream(request, route.targets().get(0));
        assertTrue(upstream.get("messages") != checked.get("messages"), "the openai format rewrites a copy");
    }

    @Test
    void anAttemptAllocatesAboutOneCopyOfALargeBody() {
        ObjectNode checked = rules.check(route, manyMessages(100_000));
        // warm: classes loaded, code compiled
        for (int i = 0; i < 3; i++) {
            checked.deepCopy();
            new OpenAiFormat(MAPPER).toUpstream(rules.forTarget(route, route.targets().get(0), checked),
                    route.targets().get(0));
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(id);
        checked.deepCopy();
        long oneCopy = threads.getThreadAllocatedBytes(id) - before;

        before = threads.getThreadAllocatedBytes(id);
        ClientRequest request = rules.forTarget(route, route.targets().get(0), checked);
        long settings = threads.getThreadAllocatedBytes(id) - before;
        new OpenAiFormat(MAPPER).toUpstream(request, route.targets().get(0));
        long attempt = threads.getThreadAllocatedBytes(id) - before;

        System.out.printf("one deep copy of 100,000 messages: %d KB; an attempt's target settings: %d KB, with the "
                + "openai format: %d KB%n", oneCopy >> 10, settings >> 10, attempt >> 10);
        // the settings copy no tree (before, they copied it whole); the format's copy is the one copy
        assertTrue(settings < oneCopy / 100, "the target's settings allocated " + settings + " bytes, one copy is "
                + oneCopy);
    }
}
