package dev.mistralgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Starts a {@link FakeUpstream} before the gateway and configures the routes the HTTP tests use,
 * all pointing at it. Each route plays one configuration a user could set.
 */
public class UpstreamResource extends FakeUpstreamResource {

    /** The upstream key the tests configure; a test that finds it in an answer has found a leak. */
    public static final String CONFIGURED_KEY = "Bearer sk-configured-4f1d";

    @Override
    protected Map<String, String> routes(FakeUpstream upstream) {
        String chat = upstream.url("/v1/chat/completions");
        return new GatewaySettings()
                .route(0, "/mistral-chat", "llm/v1/chat", "openai", chat)
                .target(0, "model.name", "mistral-tiny")
                .target(0, "model.options.max-tokens", "512")
                .target(0, "model.options.temperature", "0.5")
                .target(0, "auth.header-name", "Authorization")
                .target(0, "auth.header-value", CONFIGURED_KEY)
                .route(1, "/override-chat", "llm/v1/chat", "openai", chat)
                .target(1, "auth.header-name", "Authorization")
                .target(1, "auth.header-value", CONFIGURED_KEY)
                .target(1, "auth.allow-override", "true")
                .route(2, "/mistral-completions", "llm/v1/completions", "openai", upstream.url("/v1/completions"))
                .target(2, "model.name", "mistral-tiny")
                .route(3, "/deny-stream", "llm/v1/chat", "openai", chat)
                .routeSetting(3, "response-streaming", "deny")
                .route(4, "/small", "llm/v1/chat", "openai", chat)
                .routeSetting(4, "max-request-body-size", "200")
                .route(5, "/slow", "llm/v1/chat", "openai", upstream.url("/slow/v1/chat/completions"))
                .routeSetting(5, "balancer.read-timeout", "400")
                .route(6, "/down", "llm/v1/chat", "openai", "http://127.0.0.1:" + closedPort() + "/v1/chat/completions")
                .route(7, "/query-auth", "llm/v1/chat", "openai", chat)
                .target(7, "auth.param-name", "key")
                .target(7, "auth.param-value", "query-secret")
                .target(7, "auth.param-location", "query")
                .route(8, "/body-auth", "llm/v1/chat", "openai", chat)
                .target(8, "auth.param-name", "api_key")
                .target(8, "auth.param-value", "body-secret")
                .target(8, "auth.param-location", "body")
                .target(8, "auth.allow-override", "true")
                .route(9, "/no-model-header", "llm/v1/chat", "openai", chat)
                .routeSetting(9, "model-name-header", "false")
                .target(9, "model.name", "open-mistral-nemo")
                .route(10, "/unresolvable", "llm/v1/chat", "openai", "http://upstream.invalid/v1/chat/completions")
                .build();
    }

    /** A port nothing listens on: connecting to it is refused at once. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
