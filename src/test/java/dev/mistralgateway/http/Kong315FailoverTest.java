package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.FaultyUpstream;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.kong.Kong315Examples;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Kong 3.15's failover example pasted as a route's {@code CONFIG}, and the same block without
 * {@code non_idempotent}: unlike Kong (whose criteria are nginx's, where a POST that reached an
 * upstream fails over only with {@code non_idempotent}), a failure the criteria name fails over
 * whether or not the upstream received the request (docs/kong-3.15.md says why);
 * {@code invalid_header} is an answer without an HTTP head; {@code max_fails} failures within
 * {@code fail_timeout} rest the target; {@code model_alias} names the model.
 */
@QuarkusTest
@QuarkusTestResource(value = Kong315FailoverTest.Blocks.class, restrictToAnnotatedClass = true)
class Kong315FailoverTest {

    static FaultyUpstream faulty;

    public static class Blocks extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            faulty = new FaultyUpstream();
            String all = Kong315Examples.KONG_FAILOVER_CRITERIA;
            Map<String, String> config = new HashMap<>();
            block(config, 0, "/kong-failover", Kong315Examples.priorityFailover(all, url(upstream, "a"), url(upstream, "b")));
            block(config, 1, "/kong-no-post-retry", Kong315Examples.priorityFailover("error, timeout, http_500",
                    url(upstream, "c"), url(upstream, "d")));
            block(config, 2, "/kong-bad-head", Kong315Examples.priorityFailover(all, faulty.url("/fault/bad-head"),
                    url(upstream, "e")));
            block(config, 3, "/kong-bad-head-no-post-retry", Kong315Examples.priorityFailover(
                    "error, timeout, invalid_header", faulty.url("/fault/bad-head"), url(upstream, "f")));
            block(config, 4, "/kong-refused", Kong315Examples.priorityFailover("error, timeout",
                    "http://127.0.0.1:" + closedPort() + "/v1/chat/completions", url(upstream, "g")));
            return config;
        }

        private static String url(FakeUpstream upstream, String name) {
            return upstream.url("/" + name + "/v1/chat/completions");
        }

        private static void block(Map<String, String> config, int route, String path, String block) {
            config.put("ai-proxy.routes[" + route + "].paths", path);
            config.put("ai-proxy.routes[" + route + "].config", block);
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @AfterAll
    static void close() {
        faulty.close();
    }

    private static final String GOOD = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    private static final String CHAT = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String FAILED = "{\"error\":{\"message\":\"boom\"}}";

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        for (String name : List.of("b", "d", "e", "f", "g")) {
            upstream.reply("/" + name + "/v1/chat/completions", Reply.json(200, GOOD));
        }
    }

    private static Response post(String path) {
        return given().contentType("application/json").body(CHAT).post(path);
    }

    private List<String> pathsTried() {
        return upstream.received().stream().map(Received::path).toList();
    }

    @Test
    void kongsExampleFailsAPostOverAndRestsTheTargetAfterMaxFails() {
        upstream.reply("/a/v1/chat/completions", Reply.json(500, FAILED));

        post("/kong-failover").then().statusCode(200)
                .header("X-AI-Proxy-Target", "1").header("X-AI-Proxy-Attempts", "2")
                .body("choices[0].message.content", equalTo("hello"));
        assertEquals(List.of("/a/v1/chat/completions", "/b/v1/chat/completions"), pathsTried());
        // model_alias: the client asked for "fast", each target was sent its model's name, with its own key
        assertEquals("mistral-small-latest", tree(upstream.received().get(0).bodyText()).path("model").asText());
        assertEquals("Bearer first-key", upstream.received().get(0).header("Authorization"));
        assertEquals("Bearer second-key", upstream.received().get(1).header("Authorization"));

        // max_fails 1 within fail_timeout 60 s: the first target rests, the next request goes to the second at once
        upstream.reset();
        upstream.reply("/b/v1/chat/completions", Reply.json(200, GOOD));
        post("/kong-failover").then().statusCode(200).header("X-AI-Proxy-Target", "1")
                .header("X-AI-Proxy-Attempts", "1");
        assertEquals(List.of("/b/v1/chat/completions"), pathsTried());
    }

    @Test
    void withoutNonIdempotentANamedFailureTheUpstreamAnsweredStillFailsOver() {
        upstream.reply("/c/v1/chat/completions", Reply.json(500, FAILED));

        post("/kong-no-post-retry").then().statusCode(200).body("choices[0].message.content", equalTo("hello"))
                .header("X-AI-Proxy-Target", "1").header("X-AI-Proxy-Attempts", "2");
        assertEquals(List.of("/c/v1/chat/completions", "/d/v1/chat/completions"), pathsTried());
    }

    @Test
    void anAnswerWithoutAnHttpHeadIsInvalidHeaderAndFailsOver() {
        post("/kong-bad-head").then().statusCode(200).header("X-AI-Proxy-Target", "1")
                .header("X-AI-Proxy-Attempts", "2");
        assertEquals(List.of("/e/v1/chat/completions"), pathsTried());
    }

    @Test
    void invalidHeaderWithoutNonIdempotentFailsOverToo() {
        post("/kong-bad-head-no-post-retry").then().statusCode(200)
                .header("X-AI-Proxy-Target", "1").header("X-AI-Proxy-Attempts", "2");
        assertEquals(List.of("/f/v1/chat/completions"), pathsTried());
    }

    @Test
    void aRequestThatNeverReachedItsUpstreamFailsOverWithoutNonIdempotent() {
        post("/kong-refused").then().statusCode(200).header("X-AI-Proxy-Target", "1")
                .header("X-AI-Proxy-Attempts", "2");
        assertEquals(List.of("/g/v1/chat/completions"), pathsTried());
    }
}
