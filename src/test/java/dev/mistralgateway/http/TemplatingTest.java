package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.kong.Kong315Examples;
import dev.mistralgateway.testing.mistral.MistralCloud;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Kong's templates in a target's model name and upstream URL, resolved per request from the
 * request's regex path captures, headers and query parameters; a value that would leave the model
 * name or the upstream's path is the client's 400, and nothing goes upstream.
 */
@QuarkusTest
@QuarkusTestResource(value = TemplatingTest.Routes.class, restrictToAnnotatedClass = true)
class TemplatingTest {

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            String mistral = upstream.url("/v1/chat/completions");
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(1, "/by-header", "llm/v1/chat", "openai", mistral)
                    .mistralCloud(1, 0, "$(headers.x-model)")
                    .route(2, "/by-query", "llm/v1/chat", "openai",
                            upstream.url("/deployments/$(query_params.deployment)/v1/chat/completions"))
                    .target(2, "model.name", "mistral-$(query_params.size)-latest")
                    .build());
            settings.put("ai-proxy.routes[0].paths", "~/models/(?<model>[a-z0-9-]+)/chat$");
            settings.put("ai-proxy.routes[0].config", Kong315Examples.templatedModel("$(uri_captures.model)", mistral));
            settings.put("ai-proxy.routes[0].targets[0].model.options.mistral-cloud", "true");
            return settings;
        }
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** A chat answer of Mistral's, as OptionTemplatesTest's upstream gives it too. */
    static final String GOOD = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        upstream.reply("/v1/chat/completions", Reply.json(200, GOOD));
        upstream.reply("/deployments/eu-west/v1/chat/completions", Reply.json(200, GOOD));
    }

    private String sentModel() {
        return tree(upstream.only().bodyText()).path("model").asText();
    }

    @Test
    void theRegexPathsCaptureNamesTheModel() {
        given().contentType("application/json").body(CHAT).post("/models/mistral-small-latest/chat")
                .then().statusCode(200).header("X-AI-Proxy-Model", "mistral/mistral-small-latest");
        assertEquals("mistral-small-latest", sentModel());
        given().contentType("application/json").body(CHAT).post("/models/codestral-2508/chat")
                .then().statusCode(200).header("X-AI-Proxy-Model", "mistral/codestral-2508");
        assertEquals(2, upstream.received().size());
        mistral.assertAllValid();
    }

    @Test
    void aPathTheRegexDoesNotMatchHasNoRoute() {
        given().contentType("application/json").body(CHAT).post("/models/Not_Lower/chat").then().statusCode(404);
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void aHeaderNamesTheModel() {
        given().contentType("application/json").header("X-Model", "ministral-8b-latest").body(CHAT).post("/by-header")
                .then().statusCode(200);
        assertEquals("ministral-8b-latest", sentModel());
        mistral.assertAllValid();
    }

    @Test
    void queryParametersNameTheModelAndTheUpstreamsPath() {
        given().contentType("application/json").body(CHAT).post("/by-query?size=large&deployment=eu-west")
                .then().statusCode(200);
        Received sent = upstream.only();
        assertEquals("/deployments/eu-west/v1/chat/completions", sent.path());
        assertEquals("mistral-large-latest", tree(sent.bodyText()).path("model").asText());
    }

    @Test
    void aValueThatWouldLeaveTheUpstreamsPathIsA400NamingTheTemplate() {
        for (String deployment : List.of("..%2Fadmin", "a%2Fb", "..", "a%252Fb")) {
            given().contentType("application/json").body(CHAT).post("/by-query?size=large&deployment=" + deployment)
                    .then().statusCode(400).body("error.message", equalTo("template $(query_params.deployment) "
                            + "resolves to a value a model name or URL path may not hold: use letters, digits and "
                            + ". _ ~ : @ + - only (no / or ..)"));
        }
        given().contentType("application/json").header("X-Model", "../v1/files").body(CHAT).post("/by-header")
                .then().statusCode(400).body("error.message", equalTo("template $(headers.x-model) resolves to a value "
                        + "a model name or URL path may not hold: use letters, digits and . _ ~ : @ + - only (no / or ..)"));
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void aMissingValueIsA400NamingTheTemplate() {
        given().contentType("application/json").body(CHAT).post("/by-header").then().statusCode(400)
                .body("error.message", equalTo("template $(headers.x-model) resolves to nothing: this request has no "
                        + "header x-model"));
        given().contentType("application/json").body(CHAT).post("/by-query?deployment=eu-west").then().statusCode(400)
                .body("error.message", equalTo("template $(query_params.size) resolves to nothing: this request has "
                        + "no query parameter size"));
        assertEquals(List.of(), upstream.received());
    }
}
