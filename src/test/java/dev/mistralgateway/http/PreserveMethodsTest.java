package dev.mistralgateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * Mistral's files and batch APIs through preserve routes and the Lambda handler: {@code GET} and
 * {@code DELETE} go to the target with the client's method, sub-path and query and no body, a file's
 * bytes come back as they are, and a dead target is failed over on a {@code GET} as on a {@code POST}.
 */
@QuarkusTest
@QuarkusTestResource(value = PreserveMethodsTest.Routes.class, restrictToAnnotatedClass = true)
class PreserveMethodsTest {

    static final String CLIENT_KEY = "client-key-2";

    public static class Routes extends FakeUpstreamResource {
        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return new GatewaySettings()
                    // no upstream_path: the client's path (and what is below the route's) goes to the upstream host
                    .route(0, "/v1/files,/v1/batch/jobs", "preserve", "openai", upstream.url(""))
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer upstream-key")
                    .target(0, "logging.log-statistics", "true")
                    .routeSetting(0, "client-auth-header", "X-Api-Key")
                    .routeSetting(0, "client-auth-key-sha256", PreserveRouteTest.sha256(CLIENT_KEY))
                    // upstream_path names the operation; what the client adds below the route's path follows it
                    .route(1, "/mistral/files", "preserve", "openai", upstream.url(""))
                    .target(1, "model.options.upstream-path", "/v1/files")
                    .target(1, "auth.param-name", "key")
                    .target(1, "auth.param-value", "query-key")
                    .target(1, "auth.param-location", "query")
                    // the first target is down: a GET moves on to the second
                    .route(2, "/v1/conversations", "preserve", "openai",
                            "http://127.0.0.1:" + UpstreamResource.closedPort())
                    .target(2, 1, "route-type", "preserve")
                    .target(2, 1, "model.provider", "mistral")
                    .target(2, 1, "model.options.mistral-format", "openai")
                    .target(2, 1, "model.options.upstream-url", upstream.url(""))
                    .target(2, 1, "auth.header-name", "Authorization")
                    .target(2, 1, "auth.header-value", "Bearer second-key")
                    .target(2, 1, "logging.log-statistics", "true")
                    .routeSetting(2, "balancer.algorithm", "priority")
                    .target(2, 0, "weight", "100")
                    .target(2, 1, "weight", "50")
                    // a Kong regex path whose capture fills upstream_path's template
                    .route(3, "~/jobs/(?<job>[A-Za-z0-9-]+)$", "preserve", "openai", upstream.url(""))
                    .target(3, "model.options.upstream-path", "/v1/batch/jobs/$(uri_captures.job)")
                    .route(4, "/mistral-chat", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .route(5, "/v1/agents", "preserve", "openai", upstream.url(""))
                    .target(5, "auth.header-name", "Authorization")
                    .target(5, "auth.header-value", "Bearer agents-key")
                    .build();
        }
    }

    private static final String FILES = "{\"data\":[{\"id\":\"file-1\",\"object\":\"file\",\"bytes\":1200,"
            + "\"created_at\":1764633600,\"filename\":\"requests.jsonl\",\"purpose\":\"batch\","
            + "\"sample_type\":\"batch_request\",\"source\":\"upload\"}],\"object\":\"list\",\"total\":1}";
    private static final String JOB = "{\"id\":\"job-7\",\"object\":\"batch\",\"input_files\":[\"file-1\"],"
            + "\"endpoint\":\"/v1/chat/completions\",\"model\":\"mistral-small-latest\",\"status\":\"RUNNING\","
            + "\"errors\":[],\"created_at\":1764633600,\"total_requests\":2,\"completed_requests\":1,"
            + "\"succeeded_requests\":1,\"failed_requests\":0}";

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
    void aFileListIsAGetWithTheClientsQueryAndNoBody() throws InterruptedException {
        upstream.reply("/v1/files", Reply.json(200, FILES));

        Response answer = given().header("X-Api-Key", CLIENT_KEY)
                .urlEncodingEnabled(false).queryParam("purpose", "batch").queryParam("page_size", "10")
                .queryParam("search", "requests%20jsonl")
                .when().get("/v1/files");

        answer.then().statusCode(200).header("Content-Type", startsWith("application/json"))
                .header("X-AI-Proxy-Target", "0");
        assertEquals(FILES, answer.asString());
        FakeUpstream.Received sent = upstream.only();
        assertEquals("GET", sent.method());
        assertEquals("/v1/files", sent.path());
        // each parameter encoded again, as a query: the space a %20 or a +
        assertEquals("purpose=batch&page_size=10&search=requests+jsonl", sent.query());
        assertEquals(0, sent.body().length);
        assertNull(sent.header("Content-Length"), "no body, none announced");
        assertEquals("Bearer upstream-key", sent.header("Authorization"));
        assertNull(sent.header("X-Api-Key"), "the client's key stays at the gateway");
        JsonNode line = telemetry.only(Duration.ofSeconds(2)).path("ai_proxy");
        assertEquals(200, line.at("/meta/status").intValue());
    }

    @Test
    void aGetWithoutTheClientKeyIsRefusedAndCallsNoOne() {
        given().when().get("/v1/files").then().statusCode(401).body("error.message", containsString("X-Api-Key"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aFilesContentComesBackByteForByteWithItsType() {
        byte[] content = new byte[5_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 + (i >> 5));
        }
        upstream.reply("/v1/files/file-1/content",
                new Reply(200, Map.of("Content-Type", "application/octet-stream"), content, Duration.ZERO));

        Response answer = given().when().get("/mistral/files/file-1/content");

        answer.then().statusCode(200).header("Content-Type", "application/octet-stream");
        assertArrayEquals(content, answer.asByteArray(), "the file's bytes as the upstream sent them");
        FakeUpstream.Received sent = upstream.only();
        assertEquals("GET", sent.method());
        assertEquals("/v1/files/file-1/content", sent.path(), "upstream_path, then the client's sub-path");
        assertEquals("key=query-key", sent.query());
    }

    @Test
    void aClientQueryCannotReplaceTheTargetsKey() {
        upstream.reply("/v1/files", Reply.json(200, FILES));

        given().queryParam("key", "client-chosen").queryParam("page", "0").when().get("/mistral/files")
                .then().statusCode(200);
        assertEquals("page=0&key=query-key", upstream.only().query());
    }

    @Test
    void aDeleteGoesToTheFilesPath() {
        String deleted = "{\"id\":\"file-1\",\"object\":\"file\",\"deleted\":true}";
        upstream.reply("/v1/files/file-1", Reply.json(200, deleted));

        Response answer = given().header("X-Api-Key", CLIENT_KEY).when().delete("/v1/files/file-1");

        answer.then().statusCode(200);
        assertEquals(deleted, answer.asString());
        FakeUpstream.Received sent = upstream.only();
        assertEquals("DELETE", sent.method());
        assertEquals("/v1/files/file-1", sent.path());
        assertNull(sent.query());
        assertEquals(0, sent.body().length);
    }

    @Test
    void aBatchJobIsReadAndCancelledBelowTheRoutesPath() {
        upstream.reply("/v1/batch/jobs", Reply.json(200, "{\"data\":[" + JOB + "],\"object\":\"list\",\"total\":1}"));
        upstream.reply("/v1/batch/jobs/job-7", Reply.json(200, JOB));
        upstream.reply("/v1/batch/jobs/job-7/cancel", Reply.json(200, JOB.replace("RUNNING", "CANCELLATION_REQUESTED")));

        given().header("X-Api-Key", CLIENT_KEY).queryParam("status", "RUNNING").when().get("/v1/batch/jobs")
                .then().statusCode(200).body("data[0].id", equalTo("job-7"));
        given().header("X-Api-Key", CLIENT_KEY).when().get("/v1/batch/jobs/job-7")
                .then().statusCode(200).body("status", equalTo("RUNNING"));
        given().header("X-Api-Key", CLIENT_KEY).when().post("/v1/batch/jobs/job-7/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLATION_REQUESTED"));

        assertEquals(3, upstream.received().size());
        assertEquals("GET /v1/batch/jobs status=RUNNING", line(upstream.received().get(0)));
        assertEquals("GET /v1/batch/jobs/job-7 null", line(upstream.received().get(1)));
        assertEquals("POST /v1/batch/jobs/job-7/cancel null", line(upstream.received().get(2)));
        assertEquals("Bearer upstream-key", upstream.received().get(2).header("Authorization"));
    }

    @Test
    void aRegexPathsCaptureFillsTheUpstreamPath() {
        upstream.reply("/v1/batch/jobs/job-7", Reply.json(200, JOB));

        given().queryParam("inline", "true").when().get("/jobs/job-7").then().statusCode(200)
                .body("id", equalTo("job-7"));
        FakeUpstream.Received sent = upstream.only();
        assertEquals("/v1/batch/jobs/job-7", sent.path());
        assertEquals("inline=true", sent.query());
    }

    @Test
    void aSubPathThatCouldReachAnotherOperationIsRefused() {
        given().header("X-Api-Key", CLIENT_KEY).urlEncodingEnabled(false).when().get("/v1/files/a%2F..%2F..%2Fmodels")
                .then().statusCode(400).body("error.message", containsString("below this route's path"));
        given().header("X-Api-Key", CLIENT_KEY).urlEncodingEnabled(false).when().get("/v1/files/a%20b")
                .then().statusCode(400);
        assertEquals(0, upstream.received().size());
    }

    @Test
    void aGetFailsOverFromADeadTarget() throws InterruptedException {
        String history = "{\"object\":\"conversation.history\",\"conversation_id\":\"conv-1\",\"entries\":[]}";
        upstream.reply("/v1/conversations/conv-1/history", Reply.json(200, history));

        Response answer = given().when().get("/v1/conversations/conv-1/history");

        answer.then().statusCode(200)
                .header("X-AI-Proxy-Target", "1")
                .header("X-AI-Proxy-Attempts", "2");
        assertEquals(history, answer.asString());
        FakeUpstream.Received sent = upstream.only();
        assertEquals("GET", sent.method());
        assertEquals("/v1/conversations/conv-1/history", sent.path());
        assertEquals("Bearer second-key", sent.header("Authorization"));
        JsonNode line = telemetry.only(Duration.ofSeconds(2)).path("ai_proxy");
        assertEquals(2, line.at("/meta/attempts").intValue());
    }

    @Test
    void anAgentIsUpdatedWithPatchAndItsAliasesWithPutBodiesAsTheyCame() {
        String update = "{\"instructions\": \"Answer in French.\",\"completion_args\":{\"temperature\":0.2}}";
        String agent = "{\"id\":\"ag-1\",\"object\":\"agent\",\"version\":2}";
        upstream.reply("/v1/agents/ag-1", Reply.json(200, agent));
        upstream.reply("/v1/agents/ag-1/aliases", Reply.json(200, "{\"alias\":\"prod\",\"version\":2}"));

        given().contentType("application/json").body(update).when().patch("/v1/agents/ag-1")
                .then().statusCode(200).body("version", equalTo(2));
        given().contentType("application/json").body("{}").queryParam("alias", "prod").queryParam("version", "2")
                .when().put("/v1/agents/ag-1/aliases").then().statusCode(200).body("alias", equalTo("prod"));

        assertEquals(2, upstream.received().size());
        FakeUpstream.Received patched = upstream.received().get(0);
        assertEquals("PATCH /v1/agents/ag-1 null", line(patched));
        assertEquals(update, new String(patched.body(), StandardCharsets.UTF_8), "byte for byte");
        assertEquals("Bearer agents-key", patched.header("Authorization"));
        assertEquals("PUT /v1/agents/ag-1/aliases alias=prod&version=2", line(upstream.received().get(1)));
        assertEquals("{}", new String(upstream.received().get(1).body(), StandardCharsets.UTF_8));
    }

    @Test
    void aPatchWithoutTheClientKeyIsRefusedAndCallsNoOne() {
        given().contentType("application/json").body("{\"purpose\":\"batch\"}").when().patch("/v1/files/file-1")
                .then().statusCode(401).body("error.message", containsString("X-Api-Key"));
        assertEquals(0, upstream.received().size());
    }

    @Test
    void otherMethodsGet405SayingWhatTheRouteTakes() {
        given().when().get("/mistral-chat").then().statusCode(405)
                .header("Allow", "POST")
                .body("error.message", startsWith("this route only takes POST"));
        given().when().delete("/mistral-chat").then().statusCode(405).header("Allow", "POST");
        given().contentType("application/json").body("{}").when().put("/mistral-chat").then().statusCode(405)
                .header("Allow", "POST");
        given().contentType("application/json").body("{}").when().patch("/mistral-chat").then().statusCode(405);
        Response options = given().header("X-Api-Key", CLIENT_KEY).when().options("/v1/files/file-1");
        options.then().statusCode(405).body("error.message", containsString("takes GET, POST, PUT, PATCH and DELETE"));
        // one Allow header or one per method (the Lambda event carries a list as separate values): the same to HTTP
        assertEquals("GET, POST, PUT, PATCH, DELETE", String.join(", ", options.headers().getValues("Allow")));
        assertEquals(0, upstream.received().size());
    }

    private static String line(FakeUpstream.Received sent) {
        return sent.method() + " " + sent.path() + " " + sent.query();
    }
}
