package dev.mistralgateway.security;

import static dev.mistralgateway.testing.Client.post;
import static dev.mistralgateway.testing.Fixtures.kong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.InjectUpstream;
import dev.mistralgateway.testing.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Keys referenced in AWS Secrets Manager and Parameter Store, read through a local stand-in of the
 * AWS Parameters and Secrets Lambda Extension, at start-up and again when their time to live ends.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsSecretsTest.Routes.class, restrictToAnnotatedClass = true)
class AwsSecretsTest {

    /** What the stand-in extension holds, by secret id or parameter name; tests change it. */
    static final Map<String, String> STORE = new ConcurrentHashMap<>();
    static final List<String> TOKENS = new CopyOnWriteArrayList<>();

    public static class Routes extends FakeUpstreamResource {
        private HttpServer extension;

        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            STORE.put("secret:mistral/api-key", "{\"ARN\":\"arn\",\"SecretString\":\"sk-from-aws-1\"}");
            STORE.put("secret:team-keys", "{\"SecretString\":\"{\\\"mistral\\\":\\\"sk-team\\\"}\"}");
            STORE.put("parameter:/gateway/key", "{\"Parameter\":{\"Name\":\"/gateway/key\",\"Value\":\"ssm-value\"}}");
            try {
                extension = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            extension.createContext("/", AwsSecretsTest::extension);
            extension.start();
            Map<String, String> settings = new HashMap<>(new GatewaySettings()
                    .route(0, "/secret-header", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(0, "auth.header-name", "Authorization")
                    .target(0, "auth.header-value", "Bearer {{aws-secret:mistral/api-key}}")
                    .route(1, "/ssm-param", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(1, "auth.param-name", "key")
                    .target(1, "auth.param-value", "{{aws-ssm:/gateway/key}}")
                    .target(1, "auth.param-location", "query")
                    .route(2, "/json-key", "llm/v1/chat", "openai", upstream.url("/v1/chat/completions"))
                    .target(2, "auth.header-name", "X-Api-Key")
                    .target(2, "auth.header-value", "{{aws-secret:team-keys:mistral}}")
                    .build());
            settings.put("ai-proxy.secrets.endpoint", "http://127.0.0.1:" + extension.getAddress().getPort());
            settings.put("ai-proxy.secrets.ttl", "PT1S");
            settings.put("ai-proxy.secrets.token", "session-token-for-test");
            return settings;
        }

        @Override
        public void stop() {
            super.stop();
            extension.stop(0);
        }
    }

    /** The extension's two calls, as AWS documents them. */
    private static void extension(HttpExchange exchange) throws IOException {
        try (exchange) {
            TOKENS.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Aws-Parameters-Secrets-Token")));
            String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            String key = exchange.getRequestURI().getPath().equals("/secretsmanager/get")
                    ? "secret:" + query.replace("secretId=", "")
                    : "parameter:" + query.replaceAll(".*name=", "");
            String answer = STORE.get(key);
            byte[] body = (answer == null ? "{\"message\":\"not found\"}" : answer).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer == null ? 400 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @InjectUpstream
    FakeUpstream upstream;

    @Test
    void referencesAreReadFromAwsSentUpstreamAndReadAgainAfterRotation() throws InterruptedException {
        upstream.reset();
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        post("/secret-header", CHAT).then().statusCode(200);
        post("/ssm-param", CHAT).then().statusCode(200);
        post("/json-key", CHAT).then().statusCode(200);

        assertEquals("Bearer sk-from-aws-1", upstream.received().get(0).header("Authorization"));
        assertEquals("key=ssm-value", upstream.received().get(1).query());
        assertEquals("sk-team", upstream.received().get(2).header("X-Api-Key"));
        assertTrue(TOKENS.stream().allMatch("session-token-for-test"::equals), TOKENS.toString());

        rotatedKeyIsPickedUpAfterItsTimeToLive();
    }

    /** Rotation in Secrets Manager; after the tests above, which read the first key. */
    private void rotatedKeyIsPickedUpAfterItsTimeToLive() throws InterruptedException {
        STORE.put("secret:mistral/api-key", "{\"SecretString\":\"sk-from-aws-2\"}");

        Thread.sleep(1200);
        // the first request after the time to live starts the refresh and goes on with the value it has
        post("/secret-header", CHAT).then().statusCode(200);
        String seen = "";
        for (int i = 0; i < 50 && !seen.equals("Bearer sk-from-aws-2"); i++) {
            Thread.sleep(20);
            post("/secret-header", CHAT).then().statusCode(200);
            List<FakeUpstream.Received> received = upstream.received();
            seen = received.get(received.size() - 1).header("Authorization");
        }
        assertEquals("Bearer sk-from-aws-2", seen);
        assertTrue(Json.tree(STORE.get("secret:team-keys")).isObject());
    }
}
