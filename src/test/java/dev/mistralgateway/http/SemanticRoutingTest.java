package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.semantic.SemanticRouter;
import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.TelemetryLines;
import dev.mistralgateway.testing.UpstreamResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * The semantic balancer through the Lambda handler: a real embeddings stand-in maps known texts to
 * fixed vectors and records each call; real chat upstreams record what each target was sent.
 */
@QuarkusTest
@QuarkusTestResource(value = SemanticRoutingTest.Upstreams.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SemanticRoutingTest {

    static final String CODE = "Code and programming";
    static final String LIFE = "Real life topics";
    static final String EMBED_KEY = "Bearer embed-key";

    /** The stand-in's vectors: the descriptions on two axes, prompts near one, the other, or neither. */
    static final Map<String, double[]> VECTORS = Map.of(
            CODE, new double[] { 1, 0, 0 },
            LIFE, new double[] { 0, 1, 0 },
            "fix my java loop", new double[] { 0.9, 0.1, 0 },
            "how long do I boil rice", new double[] { 0.1, 0.9, 0 },
            "tell me about the weather", new double[] { 0, 0, 1 },
            "Long", new double[] { 10, 0, 0 },
            "Short", new double[] { 0, 1, 0 },
            "ambiguous", new double[] { 1, 0.5, 0 },
            "Specialist in programming problems", new double[] { 1, 0, 0 },
            "Specialist in real life topics", new double[] { 0, 1, 0 });

    /** OpenAI's embeddings answer for the texts of the request: 1000 tokens a text, so costs show. */
    static Reply embeddings(Received request) {
        JsonNode body = tree(request.bodyText());
        if (!EMBED_KEY.equals(request.header("Authorization"))) {
            return Reply.json(401, "{\"message\":\"Unauthorized\"}");
        }
        StringBuilder data = new StringBuilder();
        JsonNode input = body.path("input");
        for (int i = 0; i < input.size(); i++) {
            double[] vector = VECTORS.get(input.get(i).asText());
            if (vector == null) {
                return Reply.json(422, "{\"message\":\"stand-in: unknown text " + input.get(i) + "\"}");
            }
            data.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                    .append(",\"embedding\":").append(Arrays.toString(vector)).append('}');
        }
        return Reply.json(200, "{\"id\":\"e\",\"object\":\"list\",\"model\":\"mistral-embed\",\"data\":[" + data
                + "],\"usage\":{\"prompt_tokens\":" + 1000 * input.size() + ",\"total_tokens\":" + 1000 * input.size()
                + ",\"completion_tokens\":0}}");
    }

    /** Ollama's /api/embed answer for the same texts. */
    static Reply ollamaEmbeddings(Received request) {
        StringBuilder vectors = new StringBuilder();
        JsonNode input = tree(request.bodyText()).path("input");
        for (int i = 0; i < input.size(); i++) {
            vectors.append(i == 0 ? "" : ",").append(Arrays.toString(VECTORS.get(input.get(i).asText())));
        }
        return Reply.json(200, "{\"model\":\"nomic-embed-text\",\"embeddings\":[" + vectors
                + "],\"prompt_eval_count\":" + 7 * input.size() + "}");
    }

    public static class Upstreams implements QuarkusTestResourceLifecycleManager {
        static FakeUpstream chat;
        static FakeUpstream embeddings;
        /** Where route 1's embeddings upstream will be, once the test starts it. */
        static int laterPort;
        static FakeUpstream later;

        @Override
        public Map<String, String> start() {
            chat = new FakeUpstream();
            embeddings = new FakeUpstream();
            embeddings.reply("/v1/embeddings", SemanticRoutingTest::embeddings);
            embeddings.reply("/api/embed", SemanticRoutingTest::ollamaEmbeddings);
            laterPort = UpstreamResource.closedPort();
            GatewaySettings settings = new GatewaySettings();
            // 0: two descriptions (the second a group of two), a CATCHALL, a threshold
            semantic(settings, 0, "/semantic", embeddings.url("/v1/embeddings"), "cosine",
                    List.of(CODE, LIFE, LIFE, "CATCHALL"), List.of("/code", "/life-a", "/life-b", "/catchall"),
                    List.of(100, 3, 1, 100));
            settings.routeSetting(0, "vectordb.threshold", "0.5")
                    .routeSetting(0, "vectordb.dimensions", "3")
                    .routeSetting(0, "embeddings.model.options.input-cost", "0.1")
                    .routeSetting(0, "balancer.failover-criteria", "error,http_500");
            // 1: its embeddings upstream is down at start
            semantic(settings, 1, "/semantic-down", "http://127.0.0.1:" + laterPort + "/v1/embeddings", "cosine",
                    List.of(CODE, "CATCHALL"), List.of("/down-code", "/down-catchall"), List.of(100, 100));
            // 2 and 3: the same descriptions, near by angle or by distance
            semantic(settings, 2, "/semantic-cosine", embeddings.url("/v1/embeddings"), "cosine",
                    List.of("Long", "Short"), List.of("/long", "/short"), List.of(100, 100));
            semantic(settings, 3, "/semantic-euclidean", embeddings.url("/v1/embeddings"), "euclidean",
                    List.of("Long", "Short"), List.of("/long", "/short"), List.of(100, 100));
            // 4: an Ollama server embeds, in its own format
            semantic(settings, 4, "/semantic-ollama", embeddings.url("/api/embed"), "cosine",
                    List.of(CODE, LIFE), List.of("/code", "/life-a"), List.of(100, 100));
            settings.routeSetting(4, "embeddings.model.options.mistral-format", "ollama")
                    .routeSetting(4, "embeddings.model.name", "nomic-embed-text");
            // 5: Kong's 3.15 "semantic with fallback" example, pasted (Mistral's models, the stand-ins' URLs)
            settings.routeSetting(5, "paths", "/semantic-kong").routeSetting(5, "config", kongExample());
            // 6: Anthropic's Messages API in front, chat targets behind
            semantic(settings, 6, "/semantic-anthropic/v1/messages", embeddings.url("/v1/embeddings"), "cosine",
                    List.of(CODE, LIFE), List.of("/code", "/life-a"), List.of(100, 100));
            settings.routeSetting(6, "llm-format", "anthropic");
            Map<String, String> all = new HashMap<>(settings.build());
            all.put("ai-proxy.metrics.enabled", "true");
            return all;
        }

        private static String kongExample() {
            return """
                    balancer:
                      algorithm: semantic
                      retries: 3
                      failover_criteria: [error, timeout, http_429, http_503]
                    embeddings:
                      auth:
                        header_name: Authorization
                        header_value: %s
                      model:
                        name: mistral-embed
                        provider: mistral
                        options:
                          upstream_url: %s
                    vectordb:
                      strategy: redis
                      distance_metric: cosine
                      threshold: 0.7
                      dimensions: 3
                      redis:
                        host: localhost
                        port: 6379
                    targets:
                    - model: {name: mistral-large-latest, provider: mistral, options: {mistral_format: openai, upstream_url: '%s'}}
                      route_type: llm/v1/chat
                      weight: 2
                      description: Specialist in real life topics
                      logging: {log_statistics: true}
                    - model: {name: codestral-latest, provider: mistral, options: {mistral_format: openai, upstream_url: '%s'}}
                      route_type: llm/v1/chat
                      weight: 75
                      description: Specialist in programming problems
                      logging: {log_statistics: true}
                    - model: {name: devstral-small-latest, provider: mistral, options: {mistral_format: openai, upstream_url: '%s'}}
                      route_type: llm/v1/chat
                      weight: 25
                      description: Specialist in programming problems
                      logging: {log_statistics: true}
                    """
                    .formatted(EMBED_KEY, embeddings.url("/v1/embeddings"), chat.url("/life-a"), chat.url("/code"),
                            chat.url("/long"));
        }

        private static void semantic(GatewaySettings settings, int route, String path, String embeddingsUrl,
                String metric, List<String> descriptions, List<String> upstreamPaths, List<Integer> weights) {
            settings.route(route, path, "llm/v1/chat", "openai", chat.url(upstreamPaths.get(0)))
                    .routeSetting(route, "balancer.algorithm", "semantic")
                    .routeSetting(route, "embeddings.model.provider", "mistral")
                    .routeSetting(route, "embeddings.model.name", "mistral-embed")
                    .routeSetting(route, "embeddings.model.options.upstream-url", embeddingsUrl)
                    .routeSetting(route, "embeddings.auth.header-name", "Authorization")
                    .routeSetting(route, "embeddings.auth.header-value", EMBED_KEY)
                    .routeSetting(route, "vectordb.distance-metric", metric);
            for (int t = 0; t < descriptions.size(); t++) {
                if (t > 0) {
                    settings.alsoTarget(route, t, "openai", chat.url(upstreamPaths.get(t)), weights.get(t));
                } else {
                    settings.target(route, 0, "weight", String.valueOf(weights.get(0)));
                }
                settings.target(route, t, "description", descriptions.get(t))
                        .target(route, t, "model.name", "model" + upstreamPaths.get(t).replace('/', '-'))
                        .target(route, t, "logging.log-statistics", "true");
            }
        }

        @Override
        public void stop() {
            chat.close();
            embeddings.close();
            if (later != null) {
                later.close();
            }
        }
    }

    private static final String GOOD = kong("mistral/llm-v1-chat/responses/good.json");

    @Inject
    SemanticRouter router;
    @Inject
    RouteTable routes;

    private TelemetryLines telemetry;

    @BeforeEach
    void reset() {
        Upstreams.chat.reset();
        for (String path : List.of("/code", "/life-a", "/life-b", "/catchall", "/down-code", "/down-catchall", "/long",
                "/short")) {
            Upstreams.chat.reply(path, Reply.json(200, GOOD));
        }
        telemetry = TelemetryLines.listen();
    }

    @AfterEach
    void stopListening() {
        telemetry.close();
    }

    private static String chat(String text) {
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\""
                + text + "\"}]}";
    }

    /** The upstream path each request went to, in order. */
    private static List<String> served() {
        return Upstreams.chat.received().stream().map(Received::path).toList();
    }

    private void awaitReady(int route) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!router.ready(routes.routes().get(route)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(router.ready(routes.routes().get(route)), "route " + route + "'s descriptions were not embedded");
    }

    /** Forgets the embeddings calls so far; the stand-in answers as before. */
    private static void resetEmbeddings() {
        Upstreams.embeddings.reset();
        Upstreams.embeddings.reply("/v1/embeddings", SemanticRoutingTest::embeddings);
        Upstreams.embeddings.reply("/api/embed", SemanticRoutingTest::ollamaEmbeddings);
    }

    /** The texts of each call the embeddings stand-in received, in order. */
    private static List<List<String>> embedded(FakeUpstream upstream) {
        List<List<String>> calls = new ArrayList<>();
        for (Received call : upstream.received()) {
            List<String> texts = new ArrayList<>();
            tree(call.bodyText()).path("input").forEach(text -> texts.add(text.asText()));
            calls.add(texts);
        }
        return calls;
    }

    @Test
    @Order(1)
    void whileTheEmbeddingsUpstreamIsDownTheCatchallServesThenPromptsAreRoutedByMeaning() throws Exception {
        assertTrue(!router.ready(routes.routes().get(1)), "nothing listens where route 1's embeddings are");

        Response early = post("/semantic-down", chat("fix my java loop"));

        early.then().statusCode(200);
        assertEquals("1", early.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/down-catchall"), served());
        JsonNode line = telemetry.only(Duration.ofSeconds(2));
        assertEquals("CATCHALL", line.at("/ai_proxy/semantic/matched").asText());
        assertEquals(0, line.at("/ai_proxy/semantic/embeddings_status").asInt(), "no call while not embedded");

        Upstreams.later = new FakeUpstream(Upstreams.laterPort);
        Upstreams.later.reply("/v1/embeddings", SemanticRoutingTest::embeddings);
        awaitReady(1);
        assertEquals(List.of(List.of(CODE)), embedded(Upstreams.later), "the descriptions, embedded once, "
                + "CATCHALL aside");
        Upstreams.chat.reset();
        Upstreams.chat.reply("/down-code", Reply.json(200, GOOD));

        Response routed = post("/semantic-down", chat("fix my java loop"));

        routed.then().statusCode(200);
        assertEquals("0", routed.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/down-code"), served());
        assertEquals(List.of(List.of(CODE), List.of("fix my java loop")), embedded(Upstreams.later));
    }

    @Test
    @Order(2)
    void eachPromptGoesToTheNearestDescriptionWithinTheThresholdElseToTheCatchall() throws Exception {
        awaitReady(0);
        resetEmbeddings();

        Response code = post("/semantic", chat("fix my java loop"));
        Response far = post("/semantic", chat("tell me about the weather"));

        code.then().statusCode(200);
        assertEquals("0", code.header("X-AI-Proxy-Target"));
        assertEquals("mistral/model-code", code.header("X-AI-Proxy-Model"));
        assertEquals("3", far.header("X-AI-Proxy-Target"), "a cosine distance of 1 is past the threshold 0.5");
        assertEquals(List.of("/code", "/catchall"), served());
        assertEquals("model-code", tree(Upstreams.chat.received().get(0).bodyText()).path("model").asText());
        // the user's text alone is embedded, with the configured key and dimensions
        List<Received> calls = Upstreams.embeddings.received();
        assertEquals(List.of(List.of("fix my java loop"), List.of("tell me about the weather")),
                embedded(Upstreams.embeddings));
        assertEquals(EMBED_KEY, calls.get(0).header("Authorization"));
        assertEquals("mistral-embed", tree(calls.get(0).bodyText()).path("model").asText());
        assertEquals(3, tree(calls.get(0).bodyText()).path("dimensions").asInt());
    }

    @Test
    @Order(3)
    void theEmbeddingsCallIsInTheStatisticsAndItsCostInTheCost() throws Exception {
        awaitReady(0);

        post("/semantic", chat("fix my java loop")).then().statusCode(200);

        JsonNode line = telemetry.only(Duration.ofSeconds(2));
        JsonNode semantic = line.at("/ai_proxy/semantic");
        assertEquals(CODE, semantic.path("matched").asText());
        assertEquals("mistral-embed", semantic.path("embeddings_model").asText());
        assertEquals(200, semantic.path("embeddings_status").asInt());
        assertEquals(1000, semantic.path("embeddings_tokens").asInt());
        // 1000 tokens at 0.1 per million; the chat target has no costs configured
        assertEquals(0.0001, semantic.path("embeddings_cost").asDouble(), 1e-12);
        assertEquals(0.0001, line.at("/ai_proxy/usage/cost").asDouble(), 1e-12);
        assertEquals(0.0001, line.path("cost").asDouble(), 1e-12, "the EMF cost metric counts it too");
    }

    @Test
    @Order(4)
    void targetsSharingADescriptionAreAGroupWithWeightedRoundRobinAndFailover() throws Exception {
        awaitReady(0);

        for (int i = 0; i < 4; i++) {
            post("/semantic", chat("how long do I boil rice")).then().statusCode(200);
        }
        // weights 3 and 1, smooth round-robin: a, a, b, a
        assertEquals(List.of("/life-a", "/life-a", "/life-b", "/life-a"), served());

        Upstreams.chat.reset();
        Upstreams.chat.reply("/life-a", Reply.json(500, "{\"message\":\"down\"}"));
        Upstreams.chat.reply("/life-b", Reply.json(500, "{\"message\":\"down\"}"));
        Upstreams.chat.reply("/catchall", Reply.json(200, GOOD));
        Upstreams.chat.reply("/code", Reply.json(200, GOOD));

        Response failed = post("/semantic", chat("how long do I boil rice"));

        // failover stays within the group: neither the code target nor the CATCHALL takes a rice question
        assertEquals(500, failed.statusCode());
        assertEquals("2", failed.header("X-AI-Proxy-Attempts"));
        assertEquals(List.of("/life-a", "/life-b"), served().stream().sorted().toList());
    }

    @Test
    @Order(5)
    void cosineAndEuclideanDisagreeOnVectorsOfDifferentLengths() throws Exception {
        awaitReady(2);
        awaitReady(3);

        Response byAngle = post("/semantic-cosine", chat("ambiguous"));
        Response byDistance = post("/semantic-euclidean", chat("ambiguous"));

        assertEquals("0", byAngle.header("X-AI-Proxy-Target"));
        assertEquals("1", byDistance.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/long", "/short"), served());
    }

    @Test
    @Order(6)
    void anOllamaServerEmbedsInItsOwnFormat() throws Exception {
        awaitReady(4);
        resetEmbeddings();

        Response rice = post("/semantic-ollama", chat("how long do I boil rice"));

        assertEquals("1", rice.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/life-a"), served());
        Received call = Upstreams.embeddings.only();
        assertEquals("/api/embed", call.path());
        assertEquals("nomic-embed-text", tree(call.bodyText()).path("model").asText());
        assertEquals(List.of(List.of("how long do I boil rice")), embedded(Upstreams.embeddings));
        assertEquals(7, telemetry.only(Duration.ofSeconds(2)).at("/ai_proxy/semantic/embeddings_tokens").asInt(),
                "Ollama's prompt_eval_count");
    }

    @Test
    @Order(7)
    void kongsOwnSemanticExampleWithFallbackWorksPasted() throws Exception {
        awaitReady(5);

        Response life = post("/semantic-kong", chat("how long do I boil rice"));
        Upstreams.chat.reply("/code", Reply.json(503, "{\"message\":\"overloaded\"}"));
        Response code = post("/semantic-kong", chat("fix my java loop"));
        Response unmatched = post("/semantic-kong", chat("tell me about the weather"));

        assertEquals("0", life.header("X-AI-Proxy-Target"));
        assertEquals("mistral/mistral-large-latest", life.header("X-AI-Proxy-Model"));
        // the programming group: codestral (weight 75) first, then devstral (25) when it fails
        code.then().statusCode(200);
        assertEquals("2", code.header("X-AI-Proxy-Target"));
        assertEquals("2", code.header("X-AI-Proxy-Attempts"));
        assertEquals(List.of("/life-a", "/code", "/long"), served().subList(0, 3));
        // no description within 0.7 and no CATCHALL: any of the route's targets serves it
        unmatched.then().statusCode(200);
        List<JsonNode> lines = telemetry.lines();
        assertEquals("*", lines.get(lines.size() - 1).at("/ai_proxy/semantic/matched").asText());
    }

    @Test
    @Order(8)
    void anAnthropicClientsPromptIsRoutedByItsUserText() throws Exception {
        awaitReady(6);
        resetEmbeddings();

        Response rice = RestAssured.given().contentType("application/json")
                .header("anthropic-version", "2023-06-01")
                .body("{\"model\":\"claude-x\",\"max_tokens\":64,\"system\":\"be brief\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"how long do I boil rice\"}]}]}")
                .post("/semantic-anthropic/v1/messages");

        rice.then().statusCode(200);
        assertEquals("message", tree(rice.asString()).path("type").asText(), "the answer in Anthropic's shape");
        assertEquals("1", rice.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/life-a"), served());
        assertEquals(List.of(List.of("how long do I boil rice")), embedded(Upstreams.embeddings));
        // Claude's model name is no target's: the semantic pick chose the model
        assertEquals("model-life-a", tree(Upstreams.chat.only().bodyText()).path("model").asText());
    }

    @Test
    @Order(9)
    void aModelATargetServesNarrowsTheChoiceAnyOtherIsLeftToTheRoute() throws Exception {
        awaitReady(0);

        Response named = post("/semantic", "{\"model\":\"model-catchall\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"fix my java loop\"}]}");
        Response sdkDefault = post("/semantic", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"fix my java loop\"}]}");

        assertEquals("3", named.header("X-AI-Proxy-Target"), "the client named the CATCHALL target's model");
        assertEquals("0", sdkDefault.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/catchall", "/code"), served());
    }

    @Test
    @Order(10)
    void aFailedPromptEmbeddingSendsTheRequestToTheCatchall() throws Exception {
        awaitReady(0);

        Response unknown = post("/semantic", chat("a text the stand-in does not know"));

        unknown.then().statusCode(200);
        assertEquals("3", unknown.header("X-AI-Proxy-Target"));
        assertEquals(List.of("/catchall"), served());
        JsonNode line = telemetry.only(Duration.ofSeconds(2));
        assertEquals("CATCHALL", line.at("/ai_proxy/semantic/matched").asText());
        assertEquals(422, line.at("/ai_proxy/semantic/embeddings_status").asInt());
    }

}
