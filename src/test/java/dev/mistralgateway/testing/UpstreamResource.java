package dev.mistralgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
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
        Map<String, String> config = new HashMap<>();
        route(config, upstream, 0, "/mistral-chat", "llm/v1/chat", "/v1/chat/completions");
        config.put(target(0) + "model.name", "mistral-tiny");
        config.put(target(0) + "model.options.max-tokens", "512");
        config.put(target(0) + "model.options.temperature", "0.5");
        config.put(target(0) + "auth.header-name", "Authorization");
        config.put(target(0) + "auth.header-value", CONFIGURED_KEY);

        route(config, upstream, 1, "/override-chat", "llm/v1/chat", "/v1/chat/completions");
        config.put(target(1) + "auth.header-name", "Authorization");
        config.put(target(1) + "auth.header-value", CONFIGURED_KEY);
        config.put(target(1) + "auth.allow-override", "true");

        route(config, upstream, 2, "/mistral-completions", "llm/v1/completions", "/v1/completions");
        config.put(target(2) + "model.name", "mistral-tiny");

        route(config, upstream, 3, "/deny-stream", "llm/v1/chat", "/v1/chat/completions");
        config.put("ai-proxy.routes[3].response-streaming", "deny");

        route(config, upstream, 4, "/small", "llm/v1/chat", "/v1/chat/completions");
        config.put("ai-proxy.routes[4].max-request-body-size", "200");

        route(config, upstream, 5, "/slow", "llm/v1/chat", "/slow/v1/chat/completions");
        config.put("ai-proxy.routes[5].balancer.read-timeout", "400");

        route(config, upstream, 6, "/down", "llm/v1/chat", "/v1/chat/completions");
        config.put(target(6) + "model.options.upstream-url",
                "http://127.0.0.1:" + closedPort() + "/v1/chat/completions");

        route(config, upstream, 7, "/query-auth", "llm/v1/chat", "/v1/chat/completions");
        config.put(target(7) + "auth.param-name", "key");
        config.put(target(7) + "auth.param-value", "query-secret");
        config.put(target(7) + "auth.param-location", "query");

        route(config, upstream, 8, "/body-auth", "llm/v1/chat", "/v1/chat/completions");
        config.put(target(8) + "auth.param-name", "api_key");
        config.put(target(8) + "auth.param-value", "body-secret");
        config.put(target(8) + "auth.param-location", "body");
        config.put(target(8) + "auth.allow-override", "true");

        route(config, upstream, 9, "/no-model-header", "llm/v1/chat", "/v1/chat/completions");
        config.put("ai-proxy.routes[9].model-name-header", "false");
        config.put(target(9) + "model.name", "open-mistral-nemo");
        return config;
    }

    private static void route(Map<String, String> config, FakeUpstream upstream, int index, String path, String routeType, String upstreamPath) {
        config.put("ai-proxy.routes[" + index + "].paths", path);
        config.put(target(index) + "route-type", routeType);
        config.put(target(index) + "model.provider", "mistral");
        config.put(target(index) + "model.options.mistral-format", "openai");
        config.put(target(index) + "model.options.upstream-url", upstream.url(upstreamPath));
    }

    private static String target(int route) {
        return "ai-proxy.routes[" + route + "].targets[0].";
    }

    /** A port nothing listens on: connecting to it is refused at once. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
