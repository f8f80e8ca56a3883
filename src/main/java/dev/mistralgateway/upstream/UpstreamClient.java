package dev.mistralgateway.upstream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.impl.ClientBuilderImpl;
import org.jboss.resteasy.reactive.client.impl.ClientImpl;

import dev.mistralgateway.config.Route;
import dev.mistralgateway.config.RouteTable;
import dev.mistralgateway.error.GatewayException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Calls upstreams through the Quarkus REST Client (its JAX-RS client API, because the URL and the
 * auth header are per target), without blocking a thread.
 *
 * <p>One client per route carries that route's timeouts. Clients are built when the bean is
 * created at run time, never in a static initialiser, so a native image holds no open client.
 */
@ApplicationScoped
public class UpstreamClient {

    /** Kong's wording, which clients of Kong already match on. */
    static final String BAD_GATEWAY = "An invalid response was received from the upstream server";
    static final String TIMED_OUT = "The upstream server is timing out";

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class);

    private final Map<Integer, ClientImpl> clientsByRoute = new HashMap<>();
    private final Map<Integer, Long> readTimeoutsByRoute = new HashMap<>();

    public UpstreamClient(RouteTable routes) {
        for (Route route : routes.routes()) {
            clientsByRoute.put(route.index(), newClient(route.timeouts()));
            readTimeoutsByRoute.put(route.index(), route.timeouts().read().toMillis());
        }
    }

    private static ClientImpl newClient(Route.Timeouts timeouts) {
        ClientBuilderImpl builder = new ClientBuilderImpl();
        builder.followRedirects(false);
        builder.connectTimeout(timeouts.connect().toMillis(), TimeUnit.MILLISECONDS);
        builder.readTimeout(timeouts.read().toMillis(), TimeUnit.MILLISECONDS);
        builder.clientOptionsCustomizer(options -> options
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setWriteIdleTimeout((int) Math.min(Integer.MAX_VALUE, timeouts.write().toMillis())));
        return (ClientImpl) builder.build();
    }

    /**
     * Sends the request and reads the whole answer; completes with whatever status the upstream
     * answered, or fails with a {@link GatewayException} 502 (unreachable) or 504 (too slow).
     */
    public CompletionStage<UpstreamResponse> post(Route route, UpstreamRequest request) {
        Invocation.Builder call = clientsByRoute.get(route.index()).target(request.url())
                .request(MediaType.APPLICATION_JSON_TYPE);
        request.headers().forEach(call::header);
        return call.rx()
                .post(Entity.entity(request.body(), MediaType.APPLICATION_JSON_TYPE))
                .handle((response, failure) -> {
                    if (failure != null) {
                        throw classify(request, failure);
                    }
                    try {
                        return read(response);
                    } finally {
                        response.close();
                    }
                });
    }

    /**
     * Sends the request and hands over the answer's body as it arrives, through the Vert.x client
     * under the same route's REST Client (same pool, connect and write timeouts). The read timeout
     * is an idle timeout here: the longest silence between two pieces of the stream.
     */
    public Uni<UpstreamStream> stream(Route route, UpstreamRequest request) {
        HttpClient http = clientsByRoute.get(route.index()).getVertxHttpClient();
        long readTimeout = readTimeoutsByRoute.get(route.index());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(request.url().toString())
                .setIdleTimeout(readTimeout)
                .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream, application/x-ndjson, application/json");
        request.headers().forEach(options::putHeader);
        Future<UpstreamStream> answer = http.request(options)
                .compose(call -> call.send(Buffer.buffer(request.body())).compose(response -> {
                    Map<String, List<String>> headers = headersOf(response.headers());
                    if (response.statusCode() != 200) {
                        return response.body().map(body -> new UpstreamStream(
                                new UpstreamResponse(response.statusCode(), headers, body.getBytes()), Multi.createFrom().empty()));
                    }
                    // paused until the client's side subscribes, so that no byte is lost in between
                    response.pause();
                    Multi<byte[]> body = io.vertx.mutiny.core.http.HttpClientResponse.newInstance(response).toMulti()
                            .map(io.vertx.mutiny.core.buffer.Buffer::getBytes)
                            // Vert.x's idle timeout stops at the answer's head: silence inside a stream is timed here
                            .ifNoItem().after(Duration.ofMillis(readTimeout)).failWith(() -> new TimeoutException(
                                    "no data from the upstream stream for " + readTimeout + " ms"))
                            .onFailure().transform(failure -> classify(request, failure))
                            .onCancellation().invoke(() -> call.reset());
                    return Future.succeededFuture(new UpstreamStream(
                            new UpstreamResponse(200, headers, new byte[0]), body));
                }));
        return Uni.createFrom().completionStage(answer.toCompletionStage())
                .onFailure().transform(failure -> classify(request, failure));
    }

    private static Map<String, List<String>> headersOf(MultiMap vertxHeaders) {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : vertxHeaders.names()) {
            headers.put(name.toLowerCase(Locale.ROOT), vertxHeaders.getAll(name));
        }
        return headers;
    }

    private static UpstreamResponse read(Response response) {
        Map<String, List<String>> headers = new HashMap<>();
        response.getStringHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        return new UpstreamResponse(response.getStatus(), headers, body);
    }

    private static GatewayException classify(UpstreamRequest request, Throwable failure) {
        if (failure instanceof GatewayException classified) {
            return classified;
        }
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof jakarta.ws.rs.ProcessingException)
                && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        boolean timeout = cause instanceof TimeoutException
                || (cause.getMessage() != null && cause.getMessage().toLowerCase(Locale.ROOT).contains("timed out"));
        // the URL is logged without its query: a query auth parameter may sit there
        LOG.warnf("upstream %s://%s:%d%s failed: %s", request.url().getScheme(), request.url().getHost(),
                request.url().getPort(), request.url().getPath(), cause.toString());
        // refused, reset, unknown host, TLS failure: the upstream could not give an answer
        return timeout ? new GatewayException(504, TIMED_OUT, cause) : new GatewayException(502, BAD_GATEWAY, cause);
    }

    @PreDestroy
    void close() {
        clientsByRoute.values().forEach(ClientImpl::close);
    }
}
