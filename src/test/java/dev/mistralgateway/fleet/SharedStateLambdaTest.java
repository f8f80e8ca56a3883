package dev.mistralgateway.fleet;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.RedisServer;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Redis;

/**
 * The shared state through the Lambda handler: one gateway instance on a real redis-server, and
 * "another instance" played by the test through the same store on the same Redis. Rate limits,
 * breakers and pauses are the fleet's; a Redis that stops costs no request.
 */
@QuarkusTest
@QuarkusTestResource(value = SharedStateLambdaTest.Routes.class, restrictToAnnotatedClass = true)
class SharedStateLambdaTest {

    static final String ALICE = "sk-alice-1d3f";
    static final String BOB = "sk-bob-88a2";
    /** Used only by the test that stops Redis: the gateway's own copy keeps counts of the other tests. */
    static final String CAROL = "sk-carol-5e07";
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GOOD = kong("mistral/llm-v1-chat/responses/good.json");

    static RedisServer redis;

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            redis = RedisServer.start();
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(0, "/fleet-limited", "llm/v1/chat", "openai", upstream.url("/a/v1/chat/completions"))
                    .routeSetting(0, "client-auth-key-sha256", sha256(ALICE) + "," + sha256(BOB) + "," + sha256(CAROL))
                    .routeSetting(0, "client-auth-key-names", "alice,bob,carol")
                    .target(0, "logging.log-statistics", "true")
                    .routeSetting(0, "rate-limits[0].limit", "3")
                    .routeSetting(0, "rate-limits[0].window-size", "60")
                    .routeSetting(0, "rate-limits[0].per", "client-key")
                    .route(1, "/fleet-tokens", "llm/v1/chat", "openai", upstream.url("/b/v1/chat/completions"))
                    .routeSetting(1, "rate-limits[0].limit", "100")
                    .routeSetting(1, "rate-limits[0].window-size", "3600")
                    .routeSetting(1, "rate-limits[0].counts", "total-tokens")
                    .route(2, "/fleet-dead", "llm/v1/chat", "openai",
                            "http://127.0.0.1:" + UpstreamResource.closedPort() + "/v1/chat/completions")
                    .routeSetting(2, "balancer.max-fails", "2")
                    .routeSetting(2, "balancer.fail-timeout", "60000")
                    .route(3, "/fleet-pause", "llm/v1/chat", "openai", upstream.url("/d/v1/chat/completions"))
                    .route(4, "/fleet-shared", "llm/v1/chat", "openai", upstream.url("/e/v1/chat/completions"))
                    .routeSetting(4, "balancer.max-fails", "1")
                    .routeSetting(4, "balancer.fail-timeout", "60000")
                    .server("quarkus.redis.hosts", redis.url())
                    // exact for the test: every pick reads Redis; and a deadline the loaded test machine keeps
                    .server("ai-proxy.shared-state.freshness", "0")
                    .server("ai-proxy.shared-state.deadline", "1000")
                    .build());
            return settings;
        }

        @Override
        public void stop() {
            super.stop();
            redis.close();
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    private static AnotherInstance another;

    @BeforeAll
    static void connect() {
        another = new AnotherInstance(redis.url());
    }

    @AfterAll
    static void disconnect() {
        another.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
        redis.command("FLUSHALL");
        for (String path : new String[] { "/a", "/b", "/e" }) {
            upstream.reply(path + "/v1/chat/completions", Reply.json(200, GOOD));
        }
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response as(String key) {
        return given().contentType("application/json").header("Authorization", "Bearer " + key).body(CHAT)
                .when().post("/fleet-limited");
    }

    @Test
    void aRequestLimitLetsExactlyItsNumberThroughPerClientKeyWithOpenAisHeaders() {
        for (int i = 0; i < 3; i++) {
            as(ALICE).then().statusCode(200)
                    .header("x-ratelimit-limit-requests", "3")
                    .header("x-ratelimit-remaining-requests", String.valueOf(2 - i));
        }
        Response refused = as(ALICE);
        // the 3 of this window fade over the next one: a fourth fits a third of the way into it, at 80 s
        String retryAfter = refused.header("Retry-After");
        assertTrue(retryAfter.equals("80") || retryAfter.equals("79"), retryAfter);
        refused.then().statusCode(429)
                .body("error.type", equalTo("requests"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", equalTo("Rate limit reached on route 'fleet-limited' for client key 'alice':"
                        + " 3 requests per 60 s. Retry in " + retryAfter + " s."))
                .header("x-ratelimit-remaining-requests", "0");
        assertTrue(refused.asString().indexOf(ALICE) < 0, "no key text in the answer");
        assertEquals(3, upstream.received().size(), "the refused request reached no upstream");
        as(BOB).then().statusCode(200).header("x-ratelimit-remaining-requests", "2");
    }

    /** The statistics line names the key by its name; its text appears nowhere. */
    @Test
    void theStatisticsLineNamesTheClientKey() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            as(BOB).then().statusCode(200);
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("\"client_key\":\"bob\""), printed);
        assertTrue(!printed.contains(BOB) && !printed.contains(sha256(BOB)), "no key text, no digest");
    }

    /** The window is the fleet's: what another instance counted counts here. */
    @Test
    void anotherInstancesRequestsCountInTheSameWindow() {
        SharedState other = otherInstance();
        // the other instance takes two of alice's three
        String window = "0-fleet-limited:0:client-key:" + keyId(0);
        other.take(window, 60_000, 3, 1).await().indefinitely();
        other.take(window, 60_000, 3, 1).await().indefinitely();

        as(ALICE).then().statusCode(200).header("x-ratelimit-remaining-requests", "0");
        as(ALICE).then().statusCode(429);
    }

    @Test
    void aTokenLimitStopsWithinOneAnswerOfIt() {
        // each answer reports 37 tokens: 37, 74, 111 -> the third answer goes past 100, the fourth is refused
        for (int i = 0; i < 3; i++) {
            post("/fleet-tokens", CHAT).then().statusCode(200).header("x-ratelimit-limit-tokens", "100");
        }
        Response refused = post("/fleet-tokens", CHAT);
        refused.then().statusCode(429).body("error.type", equalTo("tokens"))
                .header("x-ratelimit-remaining-tokens", "0");
        assertEquals(3, upstream.received().size());
    }

    /** A dead target fails max_fails times, then the fleet's breaker answers for it: 503, no upstream call. */
    @Test
    void aDeadTargetIsTriedMaxFailsTimesThenRests() {
        post("/fleet-dead", CHAT).then().statusCode(502);
        post("/fleet-dead", CHAT).then().statusCode(502);
        post("/fleet-dead", CHAT).then().statusCode(503).header("Retry-After", "60");
        assertEquals("1", redis.command("EXISTS {ai-proxy:2-fleet-dead}:targets").replaceAll("\\D", ""));
    }

    /** Another instance's breaker holds here: the target is not called at all. */
    @Test
    void aBreakerOpenedByAnotherInstanceHoldsHere() {
        otherInstance().failed("4-fleet-shared", 0, null, 1, 60_000).await().indefinitely();

        post("/fleet-shared", CHAT).then().statusCode(503);
        assertEquals(0, upstream.received().size());
    }

    /** A Retry-After one instance got holds for every instance. */
    @Test
    void aRetryAfterHoldsForTheFleet() {
        upstream.reply("/d/v1/chat/completions", Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}")
                .withHeader("Retry-After", "30"));
        post("/fleet-pause", CHAT).then().statusCode(429);
        post("/fleet-pause", CHAT).then().statusCode(429).header("Retry-After", "30");
        assertEquals(1, upstream.received().size(), "the pause held: no second call");

        TargetView seen = otherInstance().view("3-fleet-pause", 1).await().indefinitely()[0];
        assertTrue(seen.paused() && seen.isOut(System.currentTimeMillis()), "another instance sees the pause");
    }

    /** Redis stops in the middle and starts again: no request fails, and the fleet's state is used again. */
    @Test
    void aRedisStoppedInTheMiddleCostsNoRequest() {
        as(CAROL).then().statusCode(200);
        redis.stop();
        try {
            as(CAROL).then().statusCode(200);
            post("/fleet-shared", CHAT).then().statusCode(200);
        } finally {
            redis.startAgain();
        }
        // Redis came back empty: carol's window is the fleet's again, so three requests go and the fourth does not
        int allowed = 0;
        for (int i = 0; i < 4; i++) {
            allowed += as(CAROL).statusCode() == 200 ? 1 : 0;
        }
        assertEquals(3, allowed, "counted in the new Redis");
        assertTrue(redis.command("DBSIZE").matches(":[1-9]\\d*\r\n"), "the gateway writes to Redis again");
    }

    private static SharedState otherInstance() {
        return another.state();
    }

    /** The rate-limit id of the route's key at this index, as the gateway derives it from the digest. */
    private static String keyId(int key) {
        String digest = sha256(key == 0 ? ALICE : BOB);
        return sha256(digest).substring(0, 16);
    }
}
