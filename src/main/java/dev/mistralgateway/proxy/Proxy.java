package dev.mistralgateway.proxy;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.config.Route;
import dev.mistralgateway.config.Target;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.pipeline.ClientRequest;
import dev.mistralgateway.pipeline.KongRequestRules;
import dev.mistralgateway.stream.SseWriter;
import dev.mistralgateway.upstream.UpstreamAuth;
import dev.mistralgateway.upstream.UpstreamClient;
import dev.mistralgateway.upstream.UpstreamRequest;
import dev.mistralgateway.upstream.UpstreamResponse;
import dev.mistralgateway.upstream.UpstreamStream;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One request's journey through a route: Kong's checks, the format's translation, auth, the
 * upstream call, and the answer (whole or streamed) translated back.
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

    /**
     * @throws GatewayException at once when the request itself is refused (Kong's 400s, 413); the
     *         returned answer fails with one when the upstream could not answer (502, 504)
     */
    public Uni<Answer> handle(Route route, byte[] body, UnaryOperator<String> clientHeader,
            Map<String, String> clientQuery) {
        Target target = route.target();
        ClientRequest request = rules.apply(route, target, body);
        Format format = formats.of(target.format());
        ObjectNode upstreamBody = format.toUpstream(request, target);
        Map<String, String> headers = new LinkedHashMap<>();
        URI url = UpstreamAuth.apply(target.auth(), clientHeader, clientQuery, target.upstreamUrl(), headers,
                upstreamBody);
        UpstreamRequest call = new UpstreamRequest(url, headers, serialize(upstreamBody));
        if (request.stream()) {
            return upstream.stream(route, call).map(stream -> streamed(route, target, format, request, stream));
        }
        return Uni.createFrom().completionStage(upstream.post(route, call))
                .map(response -> whole(route, target, format, request, response));
    }

    private Answer whole(Route route, Target target, Format format, ClientRequest request, UpstreamResponse response) {
        if (response.status() != 200) {
            return upstreamError(format, response);
        }
        byte[] body = format.fromUpstream(response.body(), request, target);
        Map<String, List<String>> headers = passedOn(response);
        headers.put("Content-Type", List.of(JSON));
        nameTheModel(route, request, headers);
        return new Answer(200, headers, Multi.createFrom().item(body));
    }

    /**
     * Before the first event the client can still get a plain error answer; after it, a failure
     * becomes an error event that ends the stream, since the status has gone out.
     */
    private Answer streamed(Route route, Target target, Format format, ClientRequest request, UpstreamStream stream) {
        if (stream.head().status() != 200) {
            // Kong answers an upstream error on a stream request as it does any other
            return upstreamError(format, stream.head());
        }
        StreamTranslator translator = format.streamTranslator(request, target);
        Map<String, List<String>> headers = passedOn(stream.head());
        headers.put("Content-Type", List.of(SseWriter.CONTENT_TYPE));
        headers.put("Cache-Control", List.of("no-cache"));
        // tells proxies such as nginx not to hold events back
        headers.put("X-Accel-Buffering", List.of("no"));
        nameTheModel(route, request, headers);
        AtomicBoolean started = new AtomicBoolean();
        Multi<byte[]> events = stream.body()
                .map(translator::next)
                .onCompletion().switchTo(() -> Multi.createFrom().item(translator::end))
                .filter(bytes -> bytes.length > 0)
                .invoke(() -> started.set(true))
                .onFailure().recoverWithMulti(failure -> started.get()
                        ? Multi.createFrom().item(errorEvent(failure))
                        : Multi.createFrom().failure(failure));
        return new Answer(200, headers, events);
    }

    private byte[] errorEvent(Throwable failure) {
        int status = failure instanceof GatewayException gateway ? gateway.status() : 502;
        String message = failure instanceof GatewayException ? failure.getMessage()
                : "the upstream stream failed: " + failure.getClass().getSimpleName();
        try {
            return new SseWriter().event(mapper.writeValueAsBytes(ErrorBody.of(status, message))).drain();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error record always serialises", e);
        }
    }

    /** Kong passes upstream errors through as they came; a format may put them in the OpenAI shape. */
    private static Answer upstreamError(Format format, UpstreamResponse response) {
        Map<String, List<String>> headers = passedOn(response);
        byte[] body = format.errorFromUpstream(response.status(), response.body()).map(translated -> {
            headers.put("Content-Type", List.of(JSON));
            return translated;
        }).orElseGet(() -> {
            if (response.contentType() != null) {
                headers.put("Content-Type", List.of(response.contentType()));
            }
            return response.body();
        });
        return new Answer(response.status(), headers, Multi.createFrom().item(body));
    }

    private static void nameTheModel(Route route, ClientRequest request, Map<String, List<String>> headers) {
        if (route.modelNameHeader()) {
            headers.put(MODEL_HEADER, List.of("mistral/" + request.model()));
        }
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
