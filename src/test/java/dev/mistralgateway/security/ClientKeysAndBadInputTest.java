package dev.mistralgateway.security;

import static dev.mistralgateway.testing.Fixtures.kong;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * A route behind the gateway's own client keys, and a battery of bad requests: each refused with
 * a 4xx in the OpenAI error shape that says what to fix, none reaching the upstream.
 */
@QuarkusTest
@QuarkusTestResource(value = ClientKeysAndBadInputTest.Routes.class, restrictToAnnotatedClass = true)
class ClientKeysAndBadInputTest {

    /** The client key, and its SHA-256 as configured: printf %s client-key-7c1e | sha256sum. */
    static final String CLIENT_KEY = "client-key-7c1e";

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/keyed", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .routeSetting(0, "client-auth-key-sha256", sha256Hex("another-key") + "," + sha256Hex(CLIENT_KEY))
                    .target(0, "model.name", "mistral-tiny")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer sk-configured-4f1d")
                    // even with override on, the client's gateway key is not an upstream key
                    .target(0, "auth.allow-override", "true")
                    .route(1, "/x-api-key", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .routeSetting(1, "client-auth-key-sha256", sha256Hex(CLIENT_KEY))
                    .routeSetting(1, "client-auth-header", "X-Api-Key")
                    .route(2, "/open", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .routeSetting(2, "max-messages", "3")
                    .build();
        }
    }

    static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @InjectUpstream
    FakeUpstream upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));
    }

    @Test
    void aKeyedRouteWantsOneOfItsKeysAndNeverForwardsIt() {
        given().contentType("application/json").body(CHAT.replace("\"m\"", "\"mistral-tiny\"")).post("/keyed")
                .then().statusCode(401)
                .body("error.message", equalTo("this route needs an API key: send it as Authorization: Bearer <key>"))
                .body("error.type", equalTo("authentication_error"));
        given().contentType("application/json").header("Authorization", "Bearer wrong").body(CHAT).post("/keyed")
                .then().statusCode(401).body("error.message", startsWith("the API key is not valid for this route"));
        assertEquals(0, upstream.received().size());

        given().contentType("application/json").header("Authorization", "Bearer " + CLIENT_KEY)
                .body(CHAT.replace("\"m\"", "\"mistral-tiny\"")).post("/keyed").then().statusCode(200);
        assertEquals("Bearer sk-configured-4f1d", upstream.only().header("Authorization"));
    }

    @Test
    void anotherHeaderTakesTheBareKey() {
        given().contentType("application/json").header("X-Api-Key", "Bearer " + CLIENT_KEY).body(CHAT)
                .post("/x-api-key").then().statusCode(401);
        given().contentType("application/json").header("X-Api-Key", CLIENT_KEY).body(CHAT)
                .post("/x-api-key").then().statusCode(200);
        assertEquals(null, upstream.only().header("X-Api-Key"));
    }

    private static ValidatableResponse send(String body) {
        return given().contentType("application/json").body(body).post("/open").then();
    }

    private static ValidatableResponse refused(String body, String message) {
        return send(body).statusCode(400).body("error.message", startsWith(message));
    }

    @Test
    void wrongTypesAreRefusedNamingTheField() {
        refused("{\"messages\":\"hi\"}", "request body doesn't contain valid prompts");
        refused("{\"model\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "'model' must be a string");
        refused(CHAT.replace("\"messages\"", "\"temperature\":\"hot\",\"messages\""), "'temperature' must be a number");
        refused(CHAT.replace("\"messages\"", "\"max_tokens\":1.5,\"messages\""), "'max_tokens' must be a whole number");
        refused(CHAT.replace("\"messages\"", "\"stop\":7,\"messages\""), "'stop' must be a string or an array");
        refused(CHAT.replace("\"messages\"", "\"tools\":{},\"messages\""), "'tools' must be an array");
        refused(CHAT.replace("\"messages\"", "\"stream\":\"yes\",\"messages\""), "'stream' must be true or false");
        refused("{\"messages\":[\"hi\"]}", "messages[0] must be an object");
        refused("{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role must be one of");
        refused("{\"messages\":[{\"role\":\"user\"}]}", "messages[0].content is missing");
        refused("{\"messages\":[{\"role\":\"user\",\"content\":42}]}", "messages[0].content must be a string or");
        refused("{\"prompt\":[\"a\",\"b\"]}", "request body doesn't contain valid prompts");
        assertEquals(0, upstream.received().size());
    }

    @Test
    void brokenBodiesAreRefusedSayingWhy() {
        refused("", "request body doesn't contain valid prompts: the body is empty");
        refused("{\"messages\": [", "request body doesn't contain valid prompts: the body is not valid JSON");
        refused("{\"messages\":[{\"role\":\"user\",\"content\":\"a\u0000b\"}]}\u0000",
                "request body doesn't contain valid prompts: the body is not valid JSON");
        refused("{\"a\":1,\"a\":2,\"messages\":[]}", "request body doesn't contain valid prompts: the body is not valid JSON");
        refused("[".repeat(100) + "]".repeat(100), "request body doesn't contain valid prompts: the body is not valid JSON");
        // (bytes that are not UTF-8 never reach the gateway as such behind Lambda: the API Gateway event
        // carries a JSON body as text, decoded with replacement characters; the server build refuses them)
        assertEquals(0, upstream.received().size());
    }

    @Test
    void emptyHugeAndOverfullArraysAreRefused() {
        refused("{\"messages\":[]}", "request body doesn't contain valid prompts");
        StringBuilder many = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < 4; i++) {
            many.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"m").append(i).append("\"}");
        }
        refused(many.append("]}").toString(), "'messages' holds 4 messages; this route takes at most 3");
        // past Kong's default limit since 3.13, 1 MiB
        String huge = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(1_100_000) + "\"}]}";
        send(huge).statusCode(413).body("error.message", startsWith("request body is 1100"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aTextEscapedNullCharacterIsFineAndReachesTheUpstreamIntact() {
        send("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\u0000b\"}]}").statusCode(200);
        assertTrue(upstream.only().bodyText().contains("a\\u0000b"));
    }

    @Test
    void formsAndOtherContentTypesAreRefusedWith415() {
        given().contentType("application/x-www-form-urlencoded; charset=utf-8").body(CHAT).post("/open").then()
                .statusCode(415).body("error.message",
                        equalTo("send the request body as JSON, with Content-Type: application/json "
                                + "(not application/x-www-form-urlencoded)"));
        given().contentType("multipart/form-data; boundary=x").body("--x--".getBytes(StandardCharsets.UTF_8)).post("/open")
                .then().statusCode(415);
        // a type that is no type at all says so (it was JAX-RS's bare "Unsupported Media Type", after the body was read)
        given().header("Content-Type", "garbage").body(CHAT.getBytes(StandardCharsets.UTF_8)).post("/open").then()
                .statusCode(415).body("error.message", equalTo("the Content-Type header cannot be read; send the "
                        + "request body as JSON, with Content-Type: application/json"));
        given().contentType("text/plain").body(CHAT).post("/open").then().statusCode(200);
        given().contentType("application/vnd.api+json").body(CHAT).post("/open").then().statusCode(200);
    }

    @Test
    void nothingInARequestChangesWhereItGoesOrWhatHeadersFollowIt() {
        given().contentType("application/json")
                .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-For", "10.0.0.1")
                .header("Cookie", "session=abc").header("Connection", "keep-alive, X-Secret")
                .header("Proxy-Authorization", "Basic abc").header("X-Api-Key", "mine")
                .queryParam("url", "http://169.254.169.254/latest/meta-data")
                .body("{\"model\":\"http://169.254.169.254/latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/open?upstream=http://evil.example/").then().statusCode(200);

        FakeUpstream.Received sent = upstream.only();
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals(null, sent.query());
        for (String header : List.of("x-forwarded-host", "x-forwarded-for", "cookie", "proxy-authorization", "x-api-key")) {
            assertEquals(null, sent.header(header), header + " was forwarded");
        }
    }
}
