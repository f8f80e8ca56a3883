package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.mistral.MistralCloud;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Kong's templates in a target's options beyond the model name: numeric options set per request
 * from a header or a query parameter reach the upstream's body as numbers, a value that is not the
 * option's number is the client's 400 before any upstream call, and a preserve target's
 * {@code upstream_path} takes its operation from the request.
 */
@QuarkusTest
@QuarkusTestResource(value = OptionTemplatesTest.Routes.class, restrictToAnnotatedClass = true)
class OptionTemplatesTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(0, "/tuned", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .mistralCloud(0, 0, "mistral-small-latest")
                    .target(0, "model.options.max-tokens", "$(headers.x-max-tokens)")
                    .target(0, "model.options.temperature", "$(query_params.temperature)")
                    // a literal beside the templates works as it always did
                    .target(0, "model.options.top-p", "0.9")
                    .route(1, "/ops", "preserve", "openai", upstream.url(""))
                    // applies to nothing on a body passed through, so it is not resolved (no header needed)
                    .target(1, "model.options.max-tokens", "$(headers.x-max-tokens)")
                    .route(2, "/mistral/op", "preserve", "openai", upstream.url(""))
                    .target(2, "model.options.upstream-path", "/v1/$(headers.x-operation)")
                    // Anthropic's clients get the template's 400 in their API's error shape
                    .route(3, "/anthropic/v1/messages", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .mistralCloud(3, 0, "mistral-small-latest")
                    .target(3, "model.options.max-tokens", "$(headers.x-max-tokens)")
                    .routeSetting(3, "llm-format", "anthropic")
                    .build());
            settings.put("ai-proxy.routes[1].paths", "~/ops/(?<op>[a-z]+)$");
            settings.put("ai-proxy.routes[1].targets[0].model.options.upstream-path", "/v1/$(uri_captures.op)");
            return settings;
        }
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":9}";
    private static final String MODERATION = "{\"id\":\"mod-1\",\"model\":\"mistral-moderation-latest\","
            + "\"results\":[]}";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        upstream.reply("/v1/chat/completions", Reply.json(200, TemplatingTest.GOOD));
        upstream.reply("/v1/moderations", Reply.json(200, MODERATION));
    }

    @Test
    void aHeaderAndAQueryParameterSetNumericOptionsAsNumbers() {
        given().contentType("application/json").header("X-Max-Tokens", "256").body(CHAT)
                .post("/tuned?temperature=0.7").then().statusCode(200);

        JsonNode sent = tree(upstream.only().bodyText());
        // the option overrides the client's own max_tokens, as a literal one does
        assertTrue(sent.path("max_tokens").isIntegralNumber(), sent.toString());
        assertEquals(256, sent.path("max_tokens").intValue());
        assertTrue(sent.path("temperature").isNumber(), sent.toString());
        assertEquals(0.7, sent.path("temperature").doubleValue());
        assertEquals(0.9, sent.path("top_p").doubleValue());
        mistral.assertAllValid();
    }

    @Test
    void aValueThatIsNotTheOptionsNumberIsA400NamingTheTemplateTheOptionAndTheRange() {
        for (String maxTokens : List.of("lots", "0", "-5", "1.5", "1e3", "99999999999", "0x10")) {
            given().contentType("application/json").header("X-Max-Tokens", maxTokens).body(CHAT)
                    .post("/tuned?temperature=0.7").then().statusCode(400)
                    .body("error.message", equalTo("template $(headers.x-max-tokens) must resolve to a whole number "
                            + "of at least 1 for model option max_tokens"));
        }
        for (String temperature : List.of("9", "-0.1", "NaN", "warm", "0.5%2F1")) {
            given().contentType("application/json").header("X-Max-Tokens", "16").body(CHAT)
                    .post("/tuned?temperature=" + temperature).then().statusCode(400)
                    .body("error.message", equalTo("template $(query_params.temperature) must resolve to a number "
                            + "between 0.0 and 5.0 for model option temperature"));
        }
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void anAnthropicClientGetsTheNumberOrThe400InItsOwnShape() {
        String hello = "{\"model\":\"mistral-small-latest\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
        given().contentType("application/json").header("X-Max-Tokens", "1.5").body(hello)
                .post("/anthropic/v1/messages").then().statusCode(400).body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("template $(headers.x-max-tokens) must resolve to a whole number "
                        + "of at least 1 for model option max_tokens"));
        assertEquals(List.of(), upstream.received());

        given().contentType("application/json").header("X-Max-Tokens", "64").body(hello)
                .post("/anthropic/v1/messages").then().statusCode(200).body("type", equalTo("message"));
        assertEquals(64, tree(upstream.only().bodyText()).path("max_tokens").intValue());
        mistral.assertAllValid();
    }

    @Test
    void aMissingValueIsA400NamingTheTemplate() {
        given().contentType("application/json").body(CHAT).post("/tuned?temperature=0.7").then().statusCode(400)
                .body("error.message", equalTo("template $(headers.x-max-tokens) resolves to nothing: this request "
                        + "has no header x-max-tokens"));
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void aPreserveTargetsUpstreamPathTakesTheCaptureOfItsRegexPath() {
        String body = "{ \"model\": \"mistral-moderation-latest\", \"input\": [\"text\"] }";

        given().contentType("application/json").body(body).post("/ops/moderations").then().statusCode(200)
                .body("id", equalTo("mod-1"));

        FakeUpstream.Received sent = upstream.only();
        assertEquals("/v1/moderations", sent.path());
        assertEquals(body, sent.bodyText());
    }

    @Test
    void aPreserveTargetsUpstreamPathTakesAHeaderAndRefusesOneThatWouldLeaveIt() {
        given().contentType("application/json").header("X-Operation", "moderations").body("{\"input\":\"x\"}")
                .post("/mistral/op").then().statusCode(200);
        assertEquals("/v1/moderations", upstream.only().path());
        upstream.reset();

        given().contentType("application/json").header("X-Operation", "../files").body("{\"input\":\"x\"}")
                .post("/mistral/op").then().statusCode(400)
                .body("error.message", equalTo("template $(headers.x-operation) resolves to a value a model name or "
                        + "URL path may not hold: use letters, digits and . _ ~ : @ + - only (no / or ..)"));
        given().contentType("application/json").body("{\"input\":\"x\"}").post("/mistral/op").then().statusCode(400)
                .body("error.message", equalTo("template $(headers.x-operation) resolves to nothing: this request "
                        + "has no header x-operation"));
        assertEquals(List.of(), upstream.received());
    }
}
