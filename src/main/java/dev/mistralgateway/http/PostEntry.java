package dev.mistralgateway.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow.Subscription;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.clientapi.ClientApis;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.RequestIds;
import dev.mistralgateway.observe.otel.GenAiTelemetry;
import dev.mistralgateway.proxy.Answer;
import dev.mistralgateway.proxy.Proxy;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A {@code POST} to a route that is not a preserve route (chat, completions, embeddings, Responses, Messages and the
 * sub-paths a client API answers itself), the request every client sends, answered on the Vert.x route itself: no
 * JAX-RS resource, request context or per-item writer lookup between the body {@link RequestIntake} read and
 * {@link Proxy}. At C1, as AWS runs a Java function, that chain was a large part of the framework's share of a
 * request (docs/benchmarks-c1.md). The server build writes the answer as it comes ({@link Writer}); behind Lambda it
 * is gathered and sent whole once the request's telemetry is out. A preserve route's {@code POST} goes on to
 * {@link GatewayEntry}.
 */
@Singleton
public class PostEntry {

    /** After {@link RequestIntake} and Quarkus's own limit check, before Quarkus REST. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT;

    private final RouteTable routes;
    private final Proxy proxy;
    private final ClientApis apis;
    private final ObjectMapper mapper;
    private final GenAiTelemetry telemetry;
    private final boolean lambda;

    public PostEntry(RouteTable routes, Proxy proxy, ClientApis apis, ObjectMapper mapper, GenAiTelemetry telemetry,
            Instance<ServerGatewayResource> serverBuild) {
        this.routes = routes;
        this.proxy = proxy;
        this.apis = apis;
        this.mapper = mapper;
        this.telemetry = telemetry;
        this.lambda = !serverBuild.isResolvable();
    }

    void install(@Observes Router router) {
        router.post().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext http) {
        String path = RequestIntake.pathOf(http);
        Route route = routes.forPath(path).orElse(null);
        if (route == null || route.preserves()) {
            // Quarkus's own endpoints under /q/; a preserve route's body goes on through GatewayEntry
            http.next();
            return;
        }
        if (lambda) {
            // Lambda freezes the instance once it has answered: the request's spans and metrics go out first
            telemetry.flushedBefore(http, () -> Whole.of(answer(http, route, path)), Whole::status)
                    .subscribe().with(whole -> whole.writeTo(http.response()), failure -> failed(http, route, failure));
            return;
        }
        Writer writer = new Writer(http.response());
        // the client going away cancels the upstream call, or the stream it is reading
        writer.waitingFor(answer(http, route, path).subscribe().with(writer::send, failure -> failed(http, route,
                failure)));
    }

    /** The answer, or its refusal as a failure (the proxy throws one at once for a request it refuses). */
    private Uni<Answer> answer(RoutingContext http, Route route, String path) {
        try {
            return proxied(http, route, path);
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
    }

    private Uni<Answer> proxied(RoutingContext http, Route route, String path) {
        // the client's key and the body's type were checked before the body was read (RequestIntake)
        HttpServerRequest request = http.request();
        if (!routes.serves(route, path)) {
            // one of the sub-paths the route's client API answers itself (Anthropic's count_tokens)
            return proxy.answerHere(route, path.substring(path.lastIndexOf('/') + 1), GatewayEntry.bodyOf(http),
                    request::getHeader);
        }
        return proxy.handle(route, GatewayEntry.bodyOf(http), request::getHeader, GatewayEntry.queryOf(request),
                RequestIds.of(http),
                routes.captures(route, path), GenAiTelemetry.of(http));
    }

    private void failed(RoutingContext http, Route route, Throwable failure) {
        GatewayException error = ErrorMappers.answerable(failure);
        if (!http.response().headWritten() && !http.response().closed()) {
            ErrorMappers.write(http.response(), mapper, apis.of(route), error);
        }
    }

    /** A whole answer as Lambda sends it: its body gathered, as a stream's events are. */
    private record Whole(int status, Map<String, List<String>> headers, byte[] body) {

        static Uni<Whole> of(Uni<Answer> answered) {
            return answered.flatMap(answer -> answer.gathered().map(body -> new Whole(answer.status(), answer.headers(),
                    body)));
        }

        void writeTo(HttpServerResponse response) {
            response.setStatusCode(status);
            headers.forEach((name, values) -> {
                // Vert.x sets the length of the whole body itself
                if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH.toString())) {
                    response.headers().add(name, values);
                }
            });
            response.end(Buffer.buffer(body));
        }
    }

    /**
     * Writes the answer: status and headers first, then the body's pieces, each asked for once the one before it is
     * written (a client reading slowly slows the stream, and nothing piles up). The client going away cancels what is
     * under way: the answer still awaited, or the stream.
     */
    private static final class Writer implements MultiSubscriber<byte[]> {

        private final HttpServerResponse response;
        private volatile Cancellable upstream = () -> {
        };
        private volatile Subscription subscription;
        /** A whole answer's body (its length is known), sent with the end of the response: one write, not two. */
        private Buffer whole;

        Writer(HttpServerResponse response) {
            this.response = response;
            response.closeHandler(closed -> upstream.cancel());
        }

        void waitingFor(Cancellable answer) {
            if (subscription == null) {
                // (an answer that came at once has its stream's subscription here already)
                upstream = answer;
            }
        }

        void send(Answer answer) {
            response.setStatusCode(answer.status());
            boolean length = false;
            for (Map.Entry<String, List<String>> header : answer.headers().entrySet()) {
                response.headers().add(header.getKey(), header.getValue());
                length |= header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH.toString());
            }
            response.setChunked(!length);
            if (answer.whole() != null) {
                // one piece, at hand: it goes with the end of the response, no subscription to wait on
                response.end(Buffer.buffer(answer.whole()));
                return;
            }
            whole = length ? Buffer.buffer() : null;
            answer.body().subscribe().withSubscriber(this);
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.subscription = subscription;
            upstream = subscription::cancel;
            subscription.request(1);
        }

        @Override
        public void onItem(byte[] piece) {
            if (whole != null) {
                whole.appendBytes(piece);
                subscription.request(1);
                return;
            }
            response.write(Buffer.buffer(piece)).onComplete(written -> {
                if (written.succeeded()) {
                    subscription.request(1);
                } else {
                    upstream.cancel();
                }
            });
        }

        @Override
        public void onFailure(Throwable failure) {
            // the status is out already: all a client can still be told is that the answer broke off
            response.reset();
        }

        @Override
        public void onCompletion() {
            if (whole != null) {
                response.end(whole);
            } else {
                response.end();
            }
        }
    }
}
