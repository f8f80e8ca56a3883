package dev.mistralgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

/** The upstream's headers are read in one pass, as by name: every value of a name, in order, under its lower case. */
class UpstreamHeadersTest {

    @Test
    void everyValueOfANameInOrderUnderItsLowerCase() {
        MultiMap sent = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json")
                .add("X-RateLimit-Remaining", "9")
                .add("set-cookie", "a=1")
                .add("Set-Cookie", "b=2")
                .add("SET-COOKIE", "c=3")
                .add("x-request-id", "up-1");
        Map<String, List<String>> byName = new HashMap<>();
        for (String name : sent.names()) {
            byName.put(name.toLowerCase(Locale.ROOT), sent.getAll(name));
        }
        assertEquals(byName, UpstreamClient.headersOf(sent));
        assertEquals(List.of("a=1", "b=2", "c=3"), UpstreamClient.headersOf(sent).get("set-cookie"));
    }
}
