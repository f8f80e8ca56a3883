package dev.mistralgateway.proxy;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.config.Route;
import dev.mistralgateway.config.Target;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.pipeline.ClientRequest;
import dev.mistralgateway.pipeline.KongRequestRules;
import dev.mistralgateway.upstream.UpstreamAuth;
import dev.mistralgateway.upstream.UpstreamClient;
import dev.mistralgateway.upstream.UpstreamRequest;
import dev.mistralgateway.upstream.UpstreamResponse;

/**
 * One request's journey through a route: Kong's checks, the format's translation, auth, the
 * upstream call, and the answer translated back.
 */
@ApplicationScoped
public class Proxy {

    /** Names the model that served the answer, as {@code mistral/<model>}; Kong calls it X-Kong-LLM-Model. */
    public static final String MODEL_HEADER = "X-AI-Proxy-Model";

    private static final String JSON = "application/json";

    /**
     * Upstream headers a client must not get: hop-by-hop ones, ones the gateway sets itself, and
     * cookies, which would be set on the gateway's domain.
     */
    private static final Set<String> DROPPED_UPSTREAM_HEADERS = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "content-type", "date", "server",
            "set-cookie", "set-cookie2", "alt-svc", "strict-transport-security");

    private final KongRequestRules rules;
    private final Formats formats;
    private final UpstreamClient upstream;
    private final ObjectMapper mapper;

    public Proxy(ObjectMapper mapper, UpstreamClient upstream) {
        this.mapper = mapper;
        this.rules = new KongRequestRules(mapper);
        this.formats = new Formats(mapper, Clock.systemUTC());
        this.upstream = upstream;
    }

    public CompletionStage<Answer> handle(Route route, byte[] body, UnaryOperator<String> clientHeader,
            Map<String, String> clientQuery) {
        Target target = route.target();
        ClientRequest request = rules.apply(route, target, body);
        Format format = formats.of(target.format());
        ObjectNode upstreamBody = format.toUpstream(request, target);
        Map<String, String> headers = new LinkedHashMap<>();
        URI url = UpstreamAuth.apply(target.auth(), clientHeader, clientQuery, target.upstreamUrl(), headers,
                upstreamBody);
        UpstreamRequest call = new UpstreamRequest(url, headers, serialize(upstreamBody));
        return upstream.post(route, call).thenApply(response -> answer(route, target, format, request, response));
    }

    private Answer answer(Route route, Target target, Format format, ClientRequest request,
            UpstreamResponse response) {
        Map<String, List<String>> headers = passedOn(response);
        if (response.status() != 200) {
            // Kong passes upstream errors through as they came; a format may put them in the OpenAI shape
            return format.errorFromUpstream(response.status(), response.body())
                    .map(body -> new Answer(response.status(), JSON, headers, body))
                    .orElseGet(() -> new Answer(response.status(), response.contentType(), headers, response.body()));
        }
        byte[] body = format.fromUpstream(response.body(), request, target);
        if (route.modelNameHeader()) {
            headers.put(MODEL_HEADER, List.of("mistral/" + request.model()));
        }
        return new Answer(200, JSON, headers, body);
    }

    private static Map<String, List<String>> passedOn(UpstreamResponse response) {
        Map<String, List<String>> headers = new HashMap<>();
        response.headers().forEach((name, values) -> {
            if (!DROPPED_UPSTREAM_HEADERS.contains(name)) {
                headers.put(name, values);
            }
        });
        return headers;
    }

    private byte[] serialize(ObjectNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
