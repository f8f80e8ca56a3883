package dev.mistralgateway.proxy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.upstream.UpstreamResponse;

/**
 * The headers of the client's answer: which of the upstream's pass on, the gateway's own
 * ({@code X-AI-Proxy-*}: target, attempts, model, dropped fields), and an upstream's error answer as
 * the client's API puts it.
 */
final class AnswerHeaders {

    /** Names the model that served the answer, as {@code mistral/<model>}; Kong calls it X-Kong-LLM-Model. */
    public static final String MODEL_HEADER = "X-AI-Proxy-Model";
    /** The index of the route's target that gave the answer. */
    public static final String TARGET_HEADER = "X-AI-Proxy-Target";
    /** How many targets were tried for the answer. */
    public static final String ATTEMPTS_HEADER = "X-AI-Proxy-Attempts";
    /** The request fields the target dropped as ones it cannot honour (its DROP_UNSUPPORTED option). */
    public static final String DROPPED_HEADER = "X-AI-Proxy-Dropped";

    static final String JSON = "application/json";

    /** The upstream's own request id, kept for whoever debugs with its provider. */
    static final String UPSTREAM_REQUEST_ID = "X-Upstream-Request-Id";

    /**
     * Upstream headers a client must not get: hop-by-hop ones, ones the gateway sets itself, and
     * cookies, which would be set on the gateway's domain. CORS headers ({@code access-control-*},
     * Mistral sends {@code allow-origin: *}) go too: whether browsers may call the gateway is its
     * owner's decision, not the upstream's.
     */
    private static final Set<String> DROPPED_UPSTREAM_HEADERS = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "content-type", "date", "server",
            "set-cookie", "set-cookie2", "alt-svc", "strict-transport-security");

    private AnswerHeaders() {
    }

    /**
     * Kong passes upstream errors through as they came; a format may put them in the OpenAI shape,
     * and the client's API in its own.
     */
    static Answer upstreamError(ClientApi api, Format format, UpstreamResponse response) {
        Map<String, List<String>> headers = passedOn(response);
        Optional<byte[]> openAi = format.errorFromUpstream(response.status(), response.body());
        byte[] sent = openAi.orElse(response.body());
        byte[] body = api.fromChatError(response.status(), sent).or(() -> openAi).map(translated -> {
            headers.put("Content-Type", List.of(JSON));
            return translated;
        }).orElseGet(() -> {
            if (response.contentType() != null) {
                headers.put("Content-Type", List.of(response.contentType()));
            }
            return response.body();
        });
        return Answer.whole(response.status(), headers, body);
    }

    /** Which target answered, after how many attempts, with which model. */
    static void describe(Exchange exchange, ClientRequest request, Map<String, List<String>> headers) {
        attempted(exchange).forEach((name, value) -> headers.put(name, List.of(value)));
        if (exchange.route().modelNameHeader()) {
            headers.put(MODEL_HEADER, List.of("mistral/" + request.model()));
        }
        if (!request.dropped().isEmpty()) {
            headers.put(DROPPED_HEADER, List.of(String.join(", ", request.dropped())));
        }
    }

    static Map<String, String> attempted(Exchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(TARGET_HEADER, String.valueOf(exchange.lastTried()));
        headers.put(ATTEMPTS_HEADER, String.valueOf(exchange.tried().size()));
        return headers;
    }

    /**
     * The upstream's headers the client gets, by a name compared without case, so that a header the
     * gateway sets afterwards replaces the upstream's rather than adding a second one. The
     * upstream's {@code X-Request-Id} becomes {@code X-Upstream-Request-Id}, beside the gateway's own.
     */
    static Map<String, List<String>> passedOn(UpstreamResponse response) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("x-request-id")) {
                headers.put(UPSTREAM_REQUEST_ID, values);
            } else if (!DROPPED_UPSTREAM_HEADERS.contains(lower) && !lower.startsWith("access-control-")
                    && !lower.startsWith("x-ai-proxy-")) {
                headers.put(name, values);
            }
        });
        return headers;
    }
}
