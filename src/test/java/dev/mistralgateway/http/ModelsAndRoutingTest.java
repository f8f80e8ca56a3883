package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.tree;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.mistral.MistralCloud;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * One OpenAI-style base URL for every model: the README's example of a {@code /v1/chat/completions}
 * route serving mistral-large-latest, mistral-small-latest (on two targets) and a local Ollama's
 * mistral, picked by the model the client names, and {@code GET /v1/models} listing what the
 * routes serve to the clients that may call them.
 */
@QuarkusTest
@QuarkusTestResource(value = ModelsAndRoutingTest.Routes.class, restrictToAnnotatedClass = true)
class ModelsAndRoutingTest {

    /** SHA-256 of the private route's client key, {@code team-key-5b2a}. */
    private static final String TEAM_KEY_DIGEST = "f9756d37f4db3963d24d2e654f2fa178a6610e728711cdb7d0df3a47a5acbb11";

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    .route(0, "/v1/chat/completions", "llm/v1/chat", "openai", upstream.url("/large/v1/chat/completions"))
                    .mistralCloud(0, 0, "mistral-large-latest")
                    .target(0, "model.alias", "large")
                    .target(0, "weight", "200")
                    .alsoTarget(0, 1, "openai", upstream.url("/small/v1/chat/completions"), 100)
                    .mistralCloud(0, 1, "mistral-small-latest")
                    .target(0, 1, "model.alias", "fast")
                    .alsoTarget(0, 2, "openai", upstream.url("/small-eu/v1/chat/completions"), 100)
                    .mistralCloud(0, 2, "mistral-small-latest")
                    .target(0, 2, "model.alias", "fast")
                    .alsoTarget(0, 3, "ollama", upstream.url("/api/chat"), 100)
                    .target(0, 3, "model.name", "mistral")
                    .routeSetting(0, "balancer.algorithm", "priority")
                    .routeSetting(0, "balancer.failover-criteria", "error,timeout,http_503,non_idempotent")
                    .route(1, "/v1/embeddings", "llm/v1/embeddings", "openai", upstream.url("/v1/embeddings"))
                    .mistralCloud(1, 0, "mistral-embed")
                    .route(2, "/team-chat", "llm/v1/chat", "openai", upstream.url("/team/v1/chat/completions"))
                    .mistralCloud(2, 0, "magistral-medium-latest")
                    .routeSetting(2, "client-auth-key-sha256", TEAM_KEY_DIGEST)
                    .build();
        }
    }

    private static final String ANSWER = kong("mistral/llm-v1-chat/responses/good.json");
    private static final String OLLAMA_ANSWER = "{\"model\":\"mistral\",\"created_at\":\"2024-01-15T08:13:38Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":true,\"done_reason\":\"stop\","
            + "\"prompt_eval_count\":3,\"eval_count\":1}";

    @InjectUpstream
    FakeUpstream upstream;

    MistralCloud mistral;

    @BeforeEach
    void reset() {
        upstream.reset();
        mistral = MistralCloud.guard(upstream);
        for (String path : List.of("/large", "/small", "/small-eu", "/team")) {
            upstream.reply(path + "/v1/chat/completions", Reply.json(200, ANSWER));
        }
        upstream.reply("/api/chat", Reply.json(200, OLLAMA_ANSWER));
    }

    private static Response chat(String model) {
        String named = model == null ? "" : "\"model\":\"" + model + "\",";
        return given().contentType("application/json")
                .body("{" + named + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions");
    }

    @Test
    void theModelTheClientNamesPicksTheTargets() {
        chat("mistral-large-latest").then().statusCode(200).header("X-AI-Proxy-Target", "0")
                .header("X-AI-Proxy-Model", "mistral/mistral-large-latest");
        chat("fast").then().statusCode(200).header("X-AI-Proxy-Model", "mistral/mistral-small-latest");
        chat("mistral").then().statusCode(200).header("X-AI-Proxy-Target", "3")
                .body("choices[0].message.content", equalTo("Hi"));

        mistral.assertAllValid();
        List<FakeUpstream.Received> sent = upstream.received();
        assertEquals("/large/v1/chat/completions", sent.get(0).path());
        assertEquals("mistral-large-latest", tree(sent.get(0).bodyText()).get("model").textValue());
        assertTrue(sent.get(1).path().startsWith("/small"), sent.get(1).path());
        assertEquals("mistral-small-latest", tree(sent.get(1).bodyText()).get("model").textValue(),
                "the alias goes upstream as the model's name");
        assertEquals("/api/chat", sent.get(2).path());
        assertEquals("mistral", tree(sent.get(2).bodyText()).get("model").textValue());
    }

    @Test
    void failoverStaysAmongTheTargetsOfTheModelNamed() {
        upstream.reply("/small/v1/chat/completions", Reply.json(503, "{\"object\":\"error\",\"message\":\"overloaded\"}"));
        upstream.reply("/small-eu/v1/chat/completions", Reply.json(503, "{\"object\":\"error\",\"message\":\"overloaded\"}"));

        chat("mistral-small-latest").then().statusCode(503)
                .header("X-AI-Proxy-Attempts", "2")
                .body("error.message", equalTo("overloaded"));

        assertEquals(List.of("/small", "/small-eu"), upstream.received().stream()
                .map(r -> r.path().substring(0, r.path().indexOf("/v1"))).sorted().toList(),
                "neither the large model nor Ollama answered for the small one");
    }

    @Test
    void aModelTheRouteDoesNotServeIsRefusedWithTheListOfThoseItDoes() {
        chat("gpt-4o").then().statusCode(400)
                .body("error.message", equalTo("model 'gpt-4o' is not served by this route; it serves: "
                        + "mistral-large-latest (or large), mistral-small-latest (or fast), mistral"));
        assertTrue(upstream.received().isEmpty());
    }

    @Test
    void withoutAModelTheBalancerPicksAmongAllAndEachUsesItsOwn() {
        chat(null).then().statusCode(200).header("X-AI-Proxy-Target", "0");
        assertEquals("mistral-large-latest", tree(upstream.only().bodyText()).get("model").textValue());
    }

    @Test
    void theModelListShowsWhatTheClientMayCall() {
        given().when().get("/v1/models").then().statusCode(200)
                .contentType("application/json")
                .body("object", equalTo("list"))
                .body("data.id", contains("mistral-large-latest", "large", "mistral-small-latest", "fast", "mistral",
                        "mistral-embed"))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", equalTo("mistralai"))
                .body("data[4].owned_by", equalTo("ollama"));

        given().header("Authorization", "Bearer team-key-5b2a").when().get("/v1/models").then().statusCode(200)
                .body("data.id", containsInAnyOrder("mistral-large-latest", "large", "mistral-small-latest", "fast",
                        "mistral", "mistral-embed", "magistral-medium-latest"));
        assertTrue(upstream.received().isEmpty(), "the list is the gateway's own");
    }

    @Test
    void oneModelOfTheList() {
        given().when().get("/v1/models/fast").then().statusCode(200)
                .body("id", equalTo("fast")).body("owned_by", equalTo("mistralai"));
        given().when().get("/v1/models/magistral-medium-latest").then().statusCode(404)
                .body("error.message", equalTo("no route serves the model 'magistral-medium-latest'; GET /v1/models "
                        + "lists those that do"));
        given().contentType("application/json").body("{}").when().post("/v1/models").then().statusCode(405)
                .header("Allow", "GET");
    }
}
