package dev.mistralgateway.http;

import static dev.mistralgateway.testing.Fixtures.kong;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.InjectUpstream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** An {@code http://} upstream URL without a port goes to port 80 (Kong sends it to 443). */
@QuarkusTest
@QuarkusTestResource(value = DefaultPortTest.OnPort80.class, restrictToAnnotatedClass = true)
class DefaultPortTest {

    public static class OnPort80 extends FakeUpstreamResource {
        @Override
        protected FakeUpstream newUpstream() {
            try {
                return new FakeUpstream(80);
            } catch (UncheckedIOException e) {
                // port 80 needs root and a free port; the test then says it could not run
                return new FakeUpstream();
            }
        }

        @Override
        protected Map<String, String> routes(FakeUpstream upstream) {
            return Map.of(
                    "ai-proxy.routes[0].paths", "/gguf-chat",
                    "ai-proxy.routes[0].targets[0].route-type", "llm/v1/chat",
                    "ai-proxy.routes[0].targets[0].model.provider", "mistral",
                    "ai-proxy.routes[0].targets[0].model.options.mistral-format", "openai",
                    "ai-proxy.routes[0].targets[0].model.options.upstream-url", "http://127.0.0.1/v1/chat/completions");
        }
    }

    @InjectUpstream
    FakeUpstream upstream;

    @Test
    void plainHttpWithoutPortUsesPort80() {
        assumeTrue(upstream.port() == 80, "port 80 could not be bound on 127.0.0.1 here");
        upstream.reply("/v1/chat/completions", Reply.json(200, kong("mistral/llm-v1-chat/responses/good.json")));

        given().contentType("application/json")
                .body("{\"model\":\"local\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/gguf-chat").then().statusCode(200);

        assertEquals("/v1/chat/completions", upstream.only().path());
    }
}
