package dev.mistralgateway.upstream;

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
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.impl.ClientBuilderImpl;

import dev.mistralgateway.config.Route;
import dev.mistralgateway.config.RouteTable;
import dev.mistralgateway.error.GatewayException;

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

    private final Map<Integer, Client> clientsByRoute = new HashMap<>();

    public UpstreamClient(RouteTable routes) {
        for (Route route : routes.routes()) {
            clientsByRoute.put(route.index(), newClient(route.timeouts()));
        }
    }

    private static Client newClient(Route.Timeouts timeouts) {
        ClientBuilderImpl builder = new ClientBuilderImpl();
        builder.followRedirects(false);
        builder.connectTimeout(timeouts.connect().toMillis(), TimeUnit.MILLISECONDS);
        builder.readTimeout(timeouts.read().toMillis(), TimeUnit.MILLISECONDS);
        builder.clientOptionsCustomizer(options -> options
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setWriteIdleTimeout((int) Math.min(Integer.MAX_VALUE, timeouts.write().toMillis())));
        return builder.build();
    }

    /**
     * Sends the request; completes with whatever status the upstream answered, or fails with a
     * {@link GatewayException} 502 (unreachable) or 504 (too slow).
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

    private static UpstreamResponse read(Response response) {
        Map<String, List<String>> headers = new HashMap<>();
        response.getStringHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        return new UpstreamResponse(response.getStatus(), headers, body);
    }

    private static GatewayException classify(UpstreamRequest request, Throwable failure) {
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
        clientsByRoute.values().forEach(Client::close);
    }
}
