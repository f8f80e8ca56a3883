package dev.mistralgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.impl.ClientBuilderImpl;
import org.jboss.resteasy.reactive.client.impl.ClientImpl;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Calls upstreams without blocking a thread, through the Vert.x HTTP client under each route's
 * Quarkus REST Client: the JAX-RS client API cannot hand over a body as it arrives with the status
 * first, nor time out a body that stalls half-way, and a gateway needs both.
 *
 * <p>
 * One client per route carries that route's connect and write timeouts. Clients are built when the bean is
 * created at run time, never in a static initialiser, so a native image holds no open client.
 */
@Startup
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class UpstreamClient {

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class);

    private final Map<Integer, ClientImpl> clientsByRoute = new HashMap<>();
    private final UpstreamFailures failures;
    private final long maxAnswerBytes;
    private final long maxEventBytes;

    public UpstreamClient(RouteTable routes, GatewayConfig config) {
        this.failures = new UpstreamFailures(config.upstream().errorDetail());
        this.maxAnswerBytes = config.upstream().maxAnswerBytes();
        this.maxEventBytes = config.upstream().maxEventBytes();
        for (Route route : routes.routes()) {
            clientsByRoute.put(route.index(), newClient(route.timeouts()));
        }
    }

    private static ClientImpl newClient(Route.Timeouts timeouts) {
        ClientBuilderImpl builder = new ClientBuilderImpl();
        builder.followRedirects(false);
        // the read timeout is applied per request in open(), to the head and to every silence in the body
        builder.connectTimeout(timeouts.connect().toMillis(), TimeUnit.MILLISECONDS);
        builder.clientOptionsCustomizer(options -> options
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setWriteIdleTimeout((int) Math.min(Integer.MAX_VALUE, timeouts.write().toMillis())));
        ClientImpl client = (ClientImpl) builder.build();
        // A reset or broken connection also fails the request on it, which UpstreamFailures logs with the
        // upstream's URL. Without a handler of its own, Vert.x would log it a second time, as an ERROR
        // without a request id: noise that a log alarm would fire on.
        client.getVertxHttpClient().connectionHandler(connection -> connection.exceptionHandler(
                failure -> LOG.debugf("upstream connection failed: %s", failure)));
        return client;
    }

    private static final String STREAMS = "text/event-stream, application/x-ndjson, application/json";

    private static final Map<String, String> JSON = Map.of(HttpHeaders.CONTENT_TYPE.toString(), MediaType.APPLICATION_JSON,
            HttpHeaders.ACCEPT.toString(), MediaType.APPLICATION_JSON);
    private static final Map<String, String> STREAMED = Map.of(HttpHeaders.CONTENT_TYPE.toString(),
            MediaType.APPLICATION_JSON, HttpHeaders.ACCEPT.toString(), STREAMS);

    /** An answer whose head has arrived, its body paused until it is read, whole or as it comes. */
    private record Opened(HttpClientResponse response, Map<String, List<String>> headers) {
    }

    /**
     * Sends the request and reads the whole answer; completes with whatever status the upstream
     * answered, or fails with a {@link GatewayException} 502 (unreachable, broken off, too large) or 504
     * (no data for the read timeout, also in the middle of a body). The body is read as it comes, not
     * with Vert.x's body(): its idle timeout stops at the head, and a body that stalls half-way must time
     * out too.
     */
    public Uni<UpstreamResponse> post(Route route, UpstreamRequest request) {
        return open(route, HttpMethod.POST, request, JSON).flatMap(opened -> whole(route, request, opened)
                .map(body -> new UpstreamResponse(opened.response().statusCode(), opened.headers(), body)));
    }

    /**
     * Sends the request and hands over the answer's body as it arrives. A non-200 answer is read
     * whole first, so that it can be answered like any other error.
     */
    public Uni<UpstreamStream> stream(Route route, UpstreamRequest request) {
        return open(route, HttpMethod.POST, request, STREAMED).flatMap(opened -> opened.response().statusCode() == 200
                ? Uni.createFrom().item(new UpstreamStream(
                        new UpstreamResponse(200, opened.headers(), new byte[0]), streamed(route, request, opened)))
                : whole(route, request, opened).map(body -> new UpstreamStream(new UpstreamResponse(
                        opened.response().statusCode(), opened.headers(), body), Multi.createFrom().empty())));
    }

    /**
     * Sends a {@code preserve} route's request with the client's method, its headers as given (no
     * JSON defaults), and hands over the answer: a 2xx {@code text/event-stream} one as it arrives
     * (each event within the most the gateway holds of one), any other read whole into {@code head}
     * (within the most it reads of one answer), whatever its status, with a null {@code body}.
     */
    public Uni<UpstreamStream> passThrough(Route route, HttpMethod method, UpstreamRequest request) {
        return open(route, method, request, Map.of()).flatMap(opened -> {
            int status = opened.response().statusCode();
            List<String> types = opened.headers().get("content-type");
            boolean events = types != null && !types.isEmpty()
                    && types.get(0).toLowerCase(Locale.ROOT).startsWith("text/event-stream");
            if (events && status / 100 == 2) {
                return Uni.createFrom().item(new UpstreamStream(
                        new UpstreamResponse(status, opened.headers(), new byte[0]), streamed(route, request, opened)));
            }
            return whole(route, request, opened).map(body -> new UpstreamStream(
                    new UpstreamResponse(status, opened.headers(), body), null));
        });
    }

    /**
     * Through the Vert.x client under the route's REST Client (its pool, connect and write
     * timeouts). The read timeout covers the wait for the head (Vert.x's idle timeout) and every
     * silence inside the body, whole or streamed: an upstream that stops sending half-way cannot
     * hold a request forever.
     */
    private Uni<Opened> open(Route route, HttpMethod method, UpstreamRequest request, Map<String, String> defaults) {
        return Uni.createFrom().emitter(emitter -> {
            // a client that left before the head came: the answer is reset as it arrives, not left open and paused
            AtomicBoolean over = new AtomicBoolean();
            emitter.onTermination(() -> over.set(true));
            send(route, method, request, defaults).onComplete(sent -> {
                if (sent.failed()) {
                    emitter.fail(failures.classify(route, request, sent.cause()));
                    return;
                }
                // paused until its body is read, so that no byte is lost in between
                HttpClientResponse response = sent.result().pause();
                if (over.get()) {
                    abandon(response);
                } else {
                    emitter.complete(new Opened(response, headersOf(response.headers())));
                }
            });
        });
    }

    /**
     * Resets the call of an answer no one waits for any more. The reset fails the response too: that is no
     * upstream failure, and no one is left to hear of it, so it is kept from Mutiny (which would log it as dropped).
     */
    static void abandon(HttpClientResponse response) {
        response.exceptionHandler(ignored -> {
        });
        response.request().reset();
    }

    /** The whole body, up to the most the gateway reads of one answer; past it the call is cancelled (502). */
    private Uni<byte[]> whole(Route route, UpstreamRequest request, Opened opened) {
        return Uni.createFrom().emitter(emitter -> emitter.onTermination(WholeBody.read(opened.response(),
                maxAnswerBytes, route.timeouts().read().toMillis(), (body, failure) -> {
                    if (failure != null) {
                        emitter.fail(failures.classify(route, request, failure));
                    } else {
                        emitter.complete(body);
                    }
                })));
    }

    /**
     * A 2xx stream's body as it arrives, each event of it up to the most the gateway holds of one (past it the
     * call is cancelled); silence counts only while the gateway asks for data: a client that reads slowly
     * pauses the upstream, which is not its failure.
     */
    private Multi<byte[]> streamed(Route route, UpstreamRequest request, Opened opened) {
        HttpClientResponse response = opened.response();
        long readTimeout = route.timeouts().read().toMillis();
        List<String> types = opened.headers().get("content-type");
        EventSizeGuard guard = new EventSizeGuard(maxEventBytes, types == null || types.isEmpty() ? null : types.get(0));
        Multi<byte[]> bytes = io.vertx.mutiny.core.http.HttpClientResponse.newInstance(response).toMulti()
                .map(io.vertx.mutiny.core.buffer.Buffer::getBytes);
        return SilenceTimeout.of(bytes, Duration.ofMillis(readTimeout), () -> new TimeoutException(
                "no data from the upstream for " + readTimeout + " ms"))
                .onCancellation().invoke(() -> abandon(response))
                // (after the cancel's hook: an event too large cancels what is above it, and so resets the call)
                .map(guard::check)
                .onFailure().transform(failure -> failures.classify(route, request, failure));
    }

    /**
     * Sends the request through the route's client (its pool, connect and write timeouts); the
     * read timeout is Vert.x's idle timeout until the head has arrived.
     */
    private Future<HttpClientResponse> send(Route route, HttpMethod method, UpstreamRequest request,
            Map<String, String> defaults) {
        HttpClient http = clientsByRoute.get(route.index()).getVertxHttpClient();
        RequestOptions options = at(new RequestOptions(), request.url())
                .setMethod(method)
                .setIdleTimeout(route.timeouts().read().toMillis());
        defaults.forEach(options::putHeader);
        request.headers().forEach(options::putHeader);
        // a GET or DELETE goes without a body, as the client sent it (no Content-Length: 0 added)
        return http.request(options).compose(call -> request.body().length == 0 && method != HttpMethod.POST
                ? call.send()
                : call.send(Buffer.buffer(request.body())));
    }

    /**
     * Where the request goes, as {@link RequestOptions#setAbsoluteURI(String)} sets it, from the URI
     * the route table parsed once: that method parses the URL's text again at every request (a
     * {@code java.net.URL}), ~1 % of a request's CPU at C1 (JFR, bench/run.sh's gateway-c1).
     */
    static RequestOptions at(RequestOptions options, URI url) {
        if (url.getHost() == null) {
            // a host java.net.URI does not take as one (an underscore in it): Vert.x's own parsing
            return options.setAbsoluteURI(url.toString());
        }
        boolean ssl = "https".equalsIgnoreCase(url.getScheme());
        if (!ssl && !"http".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("not an http(s) URL: " + url.getScheme());
        }
        int port = url.getPort() != -1 ? url.getPort() : ssl ? 443 : 80;
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String file = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        return options.setHost(url.getHost()).setPort(port).setSsl(ssl).setURI(path.isEmpty() ? "/" + file : file);
    }

    /**
     * The upstream's headers by lower-case name, each with its values in order. One pass over the
     * entries: {@code names()} builds a sorted set and {@code getAll} searches again for each name.
     */
    static Map<String, List<String>> headersOf(MultiMap vertxHeaders) {
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> header : vertxHeaders) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            List<String> values = headers.get(name);
            if (values == null) {
                values = new ArrayList<>(1);
                headers.put(name, values);
            }
            values.add(header.getValue());
        }
        return headers;
    }

    @PreDestroy
    void close() {
        clientsByRoute.values().forEach(ClientImpl::close);
    }
}
