package dev.mistralgateway.reliability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FaultyUpstream;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.Json;
import dev.mistralgateway.testing.LoggedRecords;
import dev.mistralgateway.testing.SseBody;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;

/**
 * An upstream that fails in every way a network and a server can: each client request still gets
 * exactly one well-formed answer with the right status, within the route's timeout, and 10,000 of
 * them leave no threads, connections or memory behind.
 */
@QuarkusTest
@QuarkusTestResource(value = FaultInjectionTest.Routes.class, restrictToAnnotatedClass = true)
class FaultInjectionTest {

    static final List<String> FAULTS = List.of("ok", "500", "429", "garbage", "reset", "half", "stall", "body-stall",
            "stream-cut");

    static FaultyUpstream upstream;

    public static class Routes implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            upstream = new FaultyUpstream();
            GatewaySettings settings = new GatewaySettings();
            for (int i = 0; i < FAULTS.size(); i++) {
                settings.route(i, "/f-" + FAULTS.get(i), "llm/v1/chat", "openai", upstream.url("/fault/" + FAULTS.get(i)))
                        .target(i, "model.name", "m")
                        .routeSetting(i, "balancer.read-timeout", "300")
                        .routeSetting(i, "balancer.retries", "0");
            }
            return settings.build();
        }

        @Override
        public void stop() {
            // closed by the test class, which owns it
        }
    }

    @AfterAll
    static void close() {
        upstream.close();
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static ValidatableResponse post(String fault, String body) {
        return given().contentType("application/json").body(body).post("/f-" + fault).then();
    }

    @Test
    void eachFaultGetsOneWellFormedAnswerWithTheRightStatus() {
        try (LoggedRecords errors = LoggedRecords.atLeast(Level.SEVERE)) {
            eachFault();
            // each failure is logged once, as a warning with its upstream; an ERROR line is for our own bugs
            assertEquals(List.of(), errors.lines());
        }
    }

    private void eachFault() {
        post("ok", CHAT).statusCode(200).body("choices[0].message.content", equalTo("ok"));
        post("500", CHAT).statusCode(500).body("error.message", equalTo("internal"));
        post("429", CHAT).statusCode(429).body("error.message", equalTo("slow"));
        post("garbage", CHAT).statusCode(500)
                .body("error.message",
                        equalTo("transformation failed from type mistral://llm/v1/chat: upstream answer is not JSON"));
        post("reset", CHAT).statusCode(502)
                .body("error.message",
                        startsWith("An invalid response was received from the upstream server: the connection to"));
        post("half", CHAT).statusCode(502)
                .body("error.message",
                        startsWith("An invalid response was received from the upstream server: the connection to"));

        long start = System.nanoTime();
        post("stall", CHAT).statusCode(504).body("error.message",
                startsWith("The upstream server is timing out: no answer from"));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < 2_000, "a stalled upstream answered after " + took + " ms with a 300 ms read timeout");

        start = System.nanoTime();
        post("body-stall", CHAT).statusCode(504).body("error.message",
                startsWith("The upstream server is timing out: no answer from"));
        took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < 2_000, "an upstream silent in mid-body answered after " + took + " ms");

        String stream = given().contentType("application/json").body(CHAT.replace("{", "{\"stream\":true,"))
                .post("/f-stream-cut").then().statusCode(200).extract().asString();
        List<String> events = SseBody.data(stream);
        assertEquals(2, events.size(), stream);
        assertEquals("x", Json.tree(events.get(0)).at("/choices/0/delta/content").textValue());
        assertTrue(Json.tree(events.get(1)).at("/error/message").isTextual(), stream);
    }

    @Test
    void tenThousandFaultsLeaveNoThreadsConnectionsOrMemoryBehind() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> fast = List.of("ok", "500", "429", "garbage", "reset", "half", "stream-cut");
        Map<String, Integer> expected = Map.of("ok", 200, "500", 500, "429", 429, "garbage", 500, "reset", 502,
                "half", 502, "stream-cut", 200);
        warmUp(client, fast);
        settle();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = usedHeapAfterGc();

        int requests = 10_000;
        for (int i = 0; i < requests; i++) {
            String fault = fast.get(i % fast.size());
            String body = fault.equals("stream-cut") ? CHAT.replace("{", "{\"stream\":true,") : CHAT;
            HttpResponse<String> answer = send(client, request(fault, body), i + " (" + fault + ")");
            assertEquals(expected.get(fault), answer.statusCode(), fault + ": " + answer.body());
            assertTrue(answer.body().startsWith("{") || answer.body().startsWith("data: "), answer.body());
        }

        settle();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapAfter = usedHeapAfterGc();
        System.out.printf("fault injection: %d requests; threads %d -> %d; heap %d -> %d MB; upstream connections "
                + "open %d%n", requests, threadsBefore, threadsAfter, heapBefore >> 20, heapAfter >> 20,
                upstream.openConnections());
        assertTrue(threadsAfter - threadsBefore <= 10, "threads grew from " + threadsBefore + " to " + threadsAfter);
        assertTrue(upstream.openConnections() <= 64, upstream.openConnections() + " upstream connections left open");
        assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
    }

    private static HttpRequest request(String fault, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/f-" + fault))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void warmUp(HttpClient client, List<String> faults) throws Exception {
        for (int i = 0; i < 500; i++) {
            String fault = faults.get(i % faults.size());
            send(client, request(fault, CHAT), "warm-up " + i + " (" + fault + ")");
        }
    }

    /** A request that gets no answer fails the test with its name and where every thread stood. */
    private static HttpResponse<String> send(HttpClient client, HttpRequest request, String name) throws Exception {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
                System.out.print(thread);
            }
            throw new AssertionError("request " + name + " got no answer in 10 s; threads above", e);
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(500);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
