package dev.mistralgateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.TelemetryLines;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Kong's {@code preserve} route type through the Lambda handler: Mistral's endpoints that have no
 * OpenAI-shaped translation get the client's body byte for byte, JSON or a multipart upload, with the
 * target's key and without the client's; answers, whole or streamed, come back as they came.
 */
@QuarkusTest
@QuarkusTestResource(value = PreserveRouteTest.Routes.class, restrictToAnnotatedClass = true)
class PreserveRouteTest {

    static final String CLIENT_KEY = "client-key-1";

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String digest = sha256(CLIENT_KEY);
            return new GatewaySettings()
                    // upstream_path names the operation on the upstream host; the route's path is the gateway's
                    .route(0, "/mistral/moderations", "preserve", "openai", upstream.url(""))
                    .target(0, "model.options.upstream-path", "/v1/moderations")
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer upstream-key")
                    .routeSetting(0, "client-auth-header", "X-Api-Key")
                    .routeSetting(0, "client-auth-key-sha256", digest)
                    // no upstream_path and a URL without one: the client's path goes to the upstream host
                    .route(1, "/v1/ocr", "preserve", "openai", upstream.url(""))
                    .target(1, "auth.param-name", "key")
                    .target(1, "auth.param-value", "query-key")
                    .target(1, "auth.param-location", "query")
                    .target(1, "logging.log-statistics", "true")
                    .route(2, "/v1/audio/transcriptions", "preserve", "openai", upstream.url(""))
                    .target(2, "model.options.upstream-path", "/v1/audio/transcriptions")
                    .target(2, "auth.header-name", "Authorization")
                    .target(2, "auth.header-value", "Bearer upstream-key")
                    .target(2, "logging.log-statistics", "true")
                    .target(2, "logging.log-payloads", "true")
                    .routeSetting(2, "client-auth-header", "X-Api-Key")
                    .routeSetting(2, "client-auth-key-sha256", digest)
                    .routeSetting(2, "max-request-body-size", "65536")
                    // the first target is down: the request moves on before any byte of an answer
                    .route(3, "/v1/conversations", "preserve", "openai",
                            "http://127.0.0.1:" + UpstreamResource.closedPort())
                    .target(3, "model.options.upstream-path", "/v1/conversations")
                    .target(3, 1, "route-type", "preserve")
                    .target(3, 1, "model.provider", "mistral")
                    .target(3, 1, "model.options.mistral-format", "openai")
                    .target(3, 1, "model.options.upstream-url", upstream.url("/v1/conversations"))
                    .target(3, 1, "auth.header-name", "Authorization")
                    .target(3, 1, "auth.header-value", "Bearer second-key")
                    .target(3, 1, "logging.log-statistics", "true")
                    .routeSetting(3, "balancer.algorithm", "priority")
                    .target(3, 0, "weight", "100")
                    .target(3, 1, "weight", "50")
                    .build();
        }
    }

    private static final String MODERATION = "{\"id\":\"mod-1\",\"model\":\"mistral-moderation-latest\",\"results\":"
            + "[{\"categories\":{\"sexual\":false,\"hate_and_discrimination\":false},"
            + "\"category_scores\":{\"sexual\":0.001,\"hate_and_discrimination\":0.002}}]}";
    private static final String OCR = "{\"pages\":[{\"index\":0,\"markdown\":\"# Invoice\",\"images\":[],"
            + "\"dimensions\":{\"dpi\":200,\"height\":2200,\"width\":1700}}],\"model\":\"mistral-ocr-latest\","
            + "\"usage_info\":{\"pages_processed\":1,\"doc_size_bytes\":3912}}";
    private static final String TRANSCRIPTION = "{\"model\":\"voxtral-mini-2507\",\"text\":\"Hello there.\","
            + "\"language\":\"en\",\"segments\":[],\"usage\":{\"prompt_audio_seconds\":3,\"prompt_tokens\":4,"
            + "\"total_tokens\":39,\"completion_tokens\":35}}";

    @InjectUpstream
    FakeUpstream upstream;

    private TelemetryLines telemetry;

    @BeforeEach
    void reset() {
        upstream.reset();
        telemetry = TelemetryLines.listen();
    }

    @AfterEach
    void stopListening() {
        telemetry.close();
    }

    @Test
    void aModerationGoesThroughByteForByteWithTheTargetsKeyAndNotTheClients() {
        upstream.reply("/v1/moderations", Reply.json(200, MODERATION).withHeader("X-Request-Id", "up-1"));
        // spacing and field order a re-serialisation would change
        String body = "{ \"model\" : \"mistral-moderation-latest\",\n  \"input\": [\"text one\", \"text two\"] }";

        Response answer = given().header("X-Api-Key", CLIENT_KEY).contentType("application/json").body(body)
                .when().post("/mistral/moderations");

        answer.then().statusCode(200)
                .header("Content-Type", startsWith("application/json"))
                .header("X-AI-Proxy-Target", "0")
                .header("X-Upstream-Request-Id", "up-1");
        assertEquals(MODERATION, answer.asString());
        FakeUpstream.Received sent = upstream.only();
        assertEquals("POST", sent.method());
        assertEquals("/v1/moderations", sent.path());
        assertEquals(body, sent.bodyText());
        assertEquals("Bearer upstream-key", sent.header("Authorization"));
        assertNull(sent.header("X-Api-Key"), "the client's key stays at the gateway");
        assertTrue(sent.header("Content-Type").startsWith("application/json"));
    }

    @Test
    void withoutAClientKeyTheRouteRefusesAndCallsNoOne() {
        given().contentType("application/json").body("{\"input\":\"x\"}").when().post("/mistral/moderations")
                .then().statusCode(401).body("error.message", containsString("X-Api-Key"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void ocrTakesTheClientsPathAndTheKeyInTheQuery() throws InterruptedException {
        upstream.reply("/v1/ocr", Reply.json(200, OCR));
        String body = "{\"model\":\"mistral-ocr-latest\",\"document\":{\"type\":\"document_url\","
                + "\"document_url\":\"https://example.com/invoice.pdf\"},\"include_image_base64\":false}";

        Response answer = given().contentType("application/json").body(body).when().post("/v1/ocr");

        answer.then().statusCode(200);
        assertEquals(OCR, answer.asString());
        FakeUpstream.Received sent = upstream.only();
        assertEquals("/v1/ocr", sent.path());
        assertEquals("key=query-key", sent.query());
        assertEquals(body, sent.bodyText());
        // OCR counts pages, not tokens: the statistics show none, and estimate none
        JsonNode line = telemetry.only(Duration.ofSeconds(2)).path("ai_proxy");
        assertEquals(200, line.at("/meta/status").intValue());
        assertEquals("mistral-ocr-latest", line.at("/meta/request_model").textValue());
        assertTrue(line.at("/usage/prompt_tokens").isMissingNode() || line.at("/usage/prompt_tokens").asLong() == 0,
                line.toString());
    }

    @Test
    void aMultipartTranscriptionArrivesByteIdenticalAndItsUsageIsCounted() throws InterruptedException {
        upstream.reply("/v1/audio/transcriptions", Reply.json(200, TRANSCRIPTION));
        byte[] audio = audio(20_000);
        String boundary = "----gateway-test-boundary";
        byte[] body = multipart(boundary, audio, "voxtral-mini-2507", false);

        Response answer = given().header("X-Api-Key", CLIENT_KEY)
                .contentType("multipart/form-data; boundary=" + boundary).body(body)
                .when().post("/v1/audio/transcriptions");

        answer.then().statusCode(200).body("text", equalTo("Hello there."));
        FakeUpstream.Received sent = upstream.only();
        assertEquals("/v1/audio/transcriptions", sent.path());
        assertArrayEquals(body, sent.body(), "the upload reaches the upstream byte for byte");
        assertEquals("multipart/form-data; boundary=" + boundary, sent.header("Content-Type"));
        assertEquals("Bearer upstream-key", sent.header("Authorization"));
        assertNull(sent.header("X-Api-Key"));
        JsonNode line = telemetry.only(Duration.ofSeconds(2)).path("ai_proxy");
        assertEquals(4, line.at("/usage/prompt_tokens").intValue());
        assertEquals(35, line.at("/usage/completion_tokens").intValue());
        // payload logging names an upload by its size and type, never its bytes
        assertEquals("[" + body.length + " bytes of multipart/form-data]", line.at("/payload/request").textValue(),
                line.toString());
    }

    /** API Gateway may pass a client's {@code Expect: 100-continue} on in the event: the answer is still the one answer. */
    @Test
    void anUploadThatAskedToContinueIsAnsweredOnceBehindLambda() {
        upstream.reply("/v1/audio/transcriptions", Reply.json(200, TRANSCRIPTION));
        String boundary = "b-3";
        byte[] body = multipart(boundary, audio(2_000), "voxtral-mini-2507", false);

        given().header("X-Api-Key", CLIENT_KEY).header("Expect", "100-continue")
                .contentType("multipart/form-data; boundary=" + boundary).body(body)
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(200).body("text", equalTo("Hello there."));
        assertArrayEquals(body, upstream.only().body());
    }

    @Test
    void aStreamedTranscriptionComesBackAsItsEventsCame() throws InterruptedException {
        String events = "event: transcription.language\ndata: {\"type\":\"transcription.language\",\"audio_language\":\"en\"}\n\n"
                + "event: transcription.text.delta\ndata: {\"type\":\"transcription.text.delta\",\"text\":\"Hello\"}\n\n"
                + "event: transcription.done\ndata: {\"type\":\"transcription.done\",\"model\":\"voxtral-mini-2507\","
                + "\"text\":\"Hello\",\"language\":\"en\",\"segments\":[],\"usage\":{\"prompt_audio_seconds\":1,"
                + "\"prompt_tokens\":3,\"total_tokens\":10,\"completion_tokens\":7}}\n\n";
        upstream.reply("/v1/audio/transcriptions",
                Reply.stream("text/event-stream", Duration.ZERO, Reply.piecesOf(events, 37)));
        String boundary = "b-1";
        byte[] body = multipart(boundary, audio(1_000), "voxtral-mini-2507", true);

        Response answer = given().header("X-Api-Key", CLIENT_KEY)
                .contentType("multipart/form-data; boundary=" + boundary).body(body)
                .when().post("/v1/audio/transcriptions");

        answer.then().statusCode(200).header("Content-Type", startsWith("text/event-stream"));
        assertEquals(events, answer.asString(), "the events as the upstream sent them, nothing added");
        assertArrayEquals(body, upstream.only().body());
        JsonNode line = telemetry.only(Duration.ofSeconds(2)).path("ai_proxy");
        assertTrue(line.at("/meta/stream").booleanValue());
        assertEquals(3, line.at("/usage/prompt_tokens").intValue());
        assertEquals(7, line.at("/usage/completion_tokens").intValue());
    }

    @Test
    void aBodyOverTheRoutesLimitIsRefusedUnsent() {
        String boundary = "b-2";
        byte[] body = multipart(boundary, audio(70_000), "voxtral-mini-2507", false);

        given().header("X-Api-Key", CLIENT_KEY).contentType("multipart/form-data; boundary=" + boundary).body(body)
                .when().post("/v1/audio/transcriptions")
                .then().statusCode(413).body("error.message", containsString("65536"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aDeadFirstTargetFailsOverToTheNextAndAConversationStreams() throws InterruptedException {
        String events = "event: conversation.response.started\ndata: {\"type\":\"conversation.response.started\","
                + "\"conversation_id\":\"conv-1\"}\n\n"
                + "event: message.output.delta\ndata: {\"type\":\"message.output.delta\",\"content\":\"Hi\"}\n\n"
                + "event: conversation.response.done\ndata: {\"type\":\"conversation.response.done\",\"usage\":"
                + "{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n";
        upstream.reply("/v1/conversations", Reply.stream("text/event-stream", Duration.ofMillis(5),
                Reply.piecesOf(events, 50)));
        String body = "{\"model\":\"mistral-medium-latest\",\"inputs\":\"Hi\",\"stream\":true,\"store\":false}";

        Response answer = given().contentType("application/json").body(body).when().post("/v1/conversations");

        answer.then().statusCode(200)
                .header("X-AI-Proxy-Target", "1")
                .header("X-AI-Proxy-Attempts", "2");
        assertEquals(events, answer.asString());
        FakeUpstream.Received sent = upstream.only();
        assertEquals(body, sent.bodyText());
        assertEquals("Bearer second-key", sent.header("Authorization"));
        JsonNode line = telemetry.only(Duration.ofSeconds(2)).path("ai_proxy");
        assertEquals(2, line.at("/meta/attempts").intValue());
        assertEquals(5, line.at("/usage/prompt_tokens").intValue());
    }

    @Test
    void anUpstreamErrorComesBackAsItCame() {
        upstream.reply("/v1/moderations", Reply.json(422, "{\"object\":\"error\",\"message\":\"input is required\","
                + "\"type\":\"invalid_request_error\",\"code\":null}"));

        given().header("X-Api-Key", CLIENT_KEY).contentType("application/json").body("{\"model\":\"m\"}")
                .when().post("/mistral/moderations")
                .then().statusCode(422).body("message", equalTo("input is required"));
    }

    @Test
    void otherMethodsAreNotAllowed() {
        given().header("X-Api-Key", CLIENT_KEY).when().options("/mistral/moderations")
                .then().statusCode(405)
                .body("error.message", containsString("preserve route takes GET, POST, PUT, PATCH and DELETE"));
    }

    /** Bytes of every value, as audio holds them (a text decoding would not survive them). */
    private static byte[] audio(int length) {
        byte[] audio = new byte[length];
        for (int i = 0; i < length; i++) {
            audio[i] = (byte) (i * 31 + (i >> 8));
        }
        return audio;
    }

    private static byte[] multipart(String boundary, byte[] audio, String model, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n"
                + (stream ? "--" + boundary + "\r\nContent-Disposition: form-data; name=\"stream\"\r\n\r\ntrue\r\n" : "")
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp3\"\r\n"
                + "Content-Type: audio/mpeg\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(audio);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
