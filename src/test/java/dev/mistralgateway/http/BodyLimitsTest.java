package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Request bodies are bounded while they arrive, and every refusal is the OpenAI error shape: a
 * body over the server's own limit (set to 1 MB here, which wins over the one derived from the
 * routes), a chunked body over a route's limit, and a request without the route's client key
 * whatever its size.
 *
 * <p>
 * Behind Lambda the event already holds the whole body, so what these tests show there is the
 * answer, not when it comes; and no body over 10 MB reaches the function (API Gateway refuses it,
 * and so does the mock event server of the tests, with its own 413), so the 11 MB cases run in the
 * server build only. That nothing waits for a refused body shows on the packaged server
 * ({@code ServerBodyLimitsIT}).
 */
@QuarkusTest
@QuarkusTestResource(value = BodyLimitsTest.Routes.class, restrictToAnnotatedClass = true)
class BodyLimitsTest {

    /** A client key of these tests only; its SHA-256 is what the route is configured with. */
    static final String CLIENT_KEY = "limits-key-3b9a";

    /** The server's limit these tests set (quarkus.http.limits.max-body-size): the limit of /unlimited. */
    static final long SERVER_LIMIT = 1024 * 1024;

    /** Over 10 MB: bodies only the server build can receive (see above). */
    static final int ELEVEN_MB = 11 * 1024 * 1024;

    static final boolean SERVER_BUILD = "server".equals(System.getProperty("gateway.entry"));

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String chat = upstream.url("/v1/chat/completions");
            return new GatewaySettings()
                    .route(0, "/keyed", "llm/v1/chat", "openai", chat)
                    .routeSetting(0, "client-auth-key-sha256", sha256Hex(CLIENT_KEY))
                    .route(1, "/open", "llm/v1/chat", "openai", chat)
                    // Kong's limit before 3.13 (the default is 1 MiB now), small enough for these tests' bodies
                    .routeSetting(0, "max-request-body-size", "8192")
                    .routeSetting(1, "max-request-body-size", "8192")
                    .route(2, "/unlimited", "llm/v1/chat", "openai", chat)
                    .routeSetting(2, "max-request-body-size", "0")
                    .server("quarkus.http.limits.max-body-size", "1M")
                    .build();
        }
    }

    static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
    }

    /** A chat body of exactly this many bytes. */
    static String chatOf(int bytes) {
        String head = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    @Test
    void aBodyOverTheServersLimitIsTheOpenAiErrorShapeNotPlainText() {
        for (int size : SERVER_BUILD ? new int[] { 2 * 1024 * 1024, ELEVEN_MB } : new int[] { 2 * 1024 * 1024 }) {
            given().contentType("application/json").body(chatOf(size)).post("/unlimited").then()
                    .statusCode(413)
                    .contentType(startsWith("application/json"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.message", equalTo("request body is " + size + " bytes, larger than the gateway's "
                            + "limit of " + SERVER_LIMIT + " bytes"));
        }
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aBodyUnderTheServersLimitPassesARouteWithoutLimitOfItsOwn() {
        String body = chatOf(200_000);
        given().contentType("application/json").body(body).post("/unlimited").then().statusCode(200);
        assertEquals(Json.tree(body).at("/messages/0/content").asText(),
                Json.tree(upstream.only().bodyText()).at("/messages/0/content").asText(), "the whole body went upstream");
    }

    @Test
    void withoutTheRoutesKeyEveryBodyGetsThe401WhateverItsSize() {
        for (int size : SERVER_BUILD ? new int[] { 100, 20_000, 2 * 1024 * 1024, ELEVEN_MB }
                : new int[] { 100, 20_000, 2 * 1024 * 1024 }) {
            given().contentType("application/json").body(chatOf(size)).post("/keyed").then()
                    .statusCode(401)
                    .contentType(startsWith("application/json"))
                    .body("error.type", equalTo("authentication_error"))
                    .body("error.message", equalTo("this route needs an API key: send it as Authorization: Bearer <key>"));
        }
        given().contentType("application/json").header("Authorization", "Bearer wrong").body(chatOf(2 * 1024 * 1024))
                .post("/keyed").then().statusCode(401)
                .body("error.message", startsWith("the API key is not valid for this route"));
        // with the key, the route's own limit (8192 here) applies
        given().contentType("application/json").header("Authorization", "Bearer " + CLIENT_KEY).body(chatOf(9000))
                .post("/keyed").then().statusCode(413)
                .body("error.message", equalTo("request body is 9000 bytes, larger than this route's "
                        + "max_request_body_size of 8192 bytes"));
        given().contentType("application/json").header("Authorization", "Bearer " + CLIENT_KEY).body(chatOf(8192))
                .post("/keyed").then().statusCode(200);
        assertEquals(1, upstream.received().size());
    }

    /** No Content-Length: the body comes chunked, so only a count of what arrives can stop it. */
    @Test
    void aChunkedBodyOverTheRoutesLimitIsA413NamingTheLimit() throws Exception {
        HttpResponse<String> refused = postChunked("/open", chatOf(64 * 1024));

        assertEquals(413, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                refused.headers().map().toString());
        JsonNode error = Json.tree(refused.body()).path("error");
        assertEquals("invalid_request_error", error.path("type").asText());
        // (behind Lambda the event holds the whole body, so its size may be known; the server counts as it arrives)
        assertTrue(error.path("message").asText().matches("request body is (\\d+ bytes, )?larger than this route's "
                + "max_request_body_size of 8192 bytes"), error.path("message").asText());

        HttpResponse<String> passed = postChunked("/open", chatOf(8000));
        assertEquals(200, passed.statusCode(), passed.body());
        assertEquals(1, upstream.received().size());
    }

    @Test
    void aChunkedBodyWithoutTheKeyGetsThe401() throws Exception {
        HttpResponse<String> refused = postChunked("/keyed", chatOf(64 * 1024));

        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("authentication_error", Json.tree(refused.body()).path("error").path("type").asText());
        assertEquals(0, upstream.received().size());
    }

    /** Through the front door REST Assured uses: the mock event server behind Lambda, the server itself in -Pserver. */
    private static HttpResponse<String> postChunked(String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                // an input stream has no known length: the client sends the body chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
