package dev.mistralgateway.http;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.clientapi.ClientApis;
import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.ServerBodyLimitSource;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.ReportedRequest;
import dev.mistralgateway.observe.RequestIds;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.observe.RequestTrace;
import dev.mistralgateway.observe.otel.GenAiTelemetry;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.security.ClientAuthenticator;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * What a request must pass before any of its body is read, and the reading itself, within a
 * limit: a Vert.x route handler in front of Quarkus's own limit check and of JAX-RS, in both
 * builds (behind Lambda the same router serves the API Gateway event).
 *
 * <ol>
 * <li>A {@code POST} to a route with client keys and without one of them is answered 401, and a
 * body of a type the gateway does not take 415, with the body unread.</li>
 * <li>A declared {@code Content-Length} over the limit is answered 413 at once. The limit is the
 * route's {@code MAX_REQUEST_BODY_SIZE}, or the server's own ({@code quarkus.http.limits.max-body-size},
 * see {@link ServerBodyLimitSource}) for a route without one and for every other path; the lower
 * of the two when both are set.</li>
 * <li>A {@code POST}'s body is then read by Vert.x's {@link BodyHandler}, which counts what arrives
 * (a chunked body declares nothing) and fails with 413 past the limit, leaving the body in the
 * routing context for {@link GatewayEntry}.</li>
 * </ol>
 *
 * Every 413, the {@link BodyHandler}'s included, is the OpenAI error shape ({@link ErrorMappers#write}).
 * A refused HTTP/1.1 request whose body is still coming gets {@code Connection: close}: the rest of
 * the body is read and dropped, nothing kept, so that a client still sending can read the answer
 * (closing at once would reset the connection under it), and the connection is closed when the
 * body ends or after {@link #LINGER_MILLIS}, whichever comes first.
 */
@ApplicationScoped
public class RequestIntake {

    /** After the request id ({@link RequestIds}), before Quarkus's own Content-Length check. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    /** How long the rest of a refused body is read and dropped before the connection is closed. */
    static final long LINGER_MILLIS = 2_000;

    private static final String LIMIT_KEY = "ai-proxy.body-limit";

    /** Where Quarkus serves its own endpoints (health, dev UI), which take their own bodies. */
    private static final String NON_APPLICATION = "/q/";

    /** The limit a request's body is read within, and who set it, for the 413's message. */
    private record Limit(Route route, long bytes, boolean routes, Handler<RoutingContext> reader) {

        GatewayException exceeded(long declared) {
            String size = declared >= 0 ? declared + " bytes, " : "";
            String whose = routes ? "this route's max_request_body_size" : "the gateway's limit";
            return new GatewayException(413, "request body is " + size + "larger than " + whose + " of " + bytes
                    + " bytes");
        }
    }

    /** A request refused here, for its report: no body was read, no target tried. */
    private record Refused(String requestId, Route route, long startNanos, RequestTrace trace) implements ReportedRequest {

        private static final byte[] UNREAD = new byte[0];

        @Override
        public byte[] body() {
            return UNREAD;
        }

        @Override
        public ObjectNode checked() {
            return null;
        }

        @Override
        public int attempts() {
            return 0;
        }
    }

    private final RouteTable routes;
    private final ObjectMapper mapper;
    private final RequestReporter reporter;
    private final ClientApis apis;
    private final Limit serverLimit;
    private final Map<Integer, Limit> routeLimits = new HashMap<>();
    private final long bodyTimeoutMillis;
    private final GenAiTelemetry telemetry;
    private final boolean lambda;

    public RequestIntake(RouteTable routes, ObjectMapper mapper, RequestReporter reporter, ClientApis apis,
            GatewayConfig config, @ConfigProperty(name = ServerBodyLimitSource.PROPERTY) Optional<MemorySize> serverLimit,
            Instance<ServerGatewayResource> serverBuild, GenAiTelemetry telemetry) {
        this.telemetry = telemetry;
        this.lambda = !serverBuild.isResolvable();
        this.routes = routes;
        this.apis = apis;
        this.bodyTimeoutMillis = config.requestBodyTimeout();
        this.mapper = mapper;
        this.reporter = reporter;
        long server = serverLimit.map(MemorySize::asLongValue).orElse(-1L);
        this.serverLimit = new Limit(null, server, false, reader(server));
        for (Route route : routes.routes()) {
            long own = route.maxRequestBodySize();
            boolean owns = own > 0 && (server < 0 || own <= server);
            long bytes = owns ? own : server;
            // a preserve route's body goes on as the bytes it is, multipart or not
            Handler<RoutingContext> reader = route.preserves() ? new RawBodyReader(bytes, serverBuild.isResolvable())
                    : owns ? reader(own) : this.serverLimit.reader();
            routeLimits.put(route.index(), new Limit(route, bytes, owns, reader));
        }
    }

    /** Vert.x's body reader with this limit (-1: none); files and forms are not the gateway's. */
    private static BodyHandler reader(long limit) {
        return BodyHandler.create(false).setBodyLimit(limit).setMergeFormAttributes(false);
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::admit).failureHandler(this::failed);
    }

    private void admit(RoutingContext http) {
        HttpServerRequest request = http.request();
        boolean post = HttpMethod.POST.equals(request.method());
        // a PUT's or PATCH's body is read for a preserve route only; elsewhere JAX-RS answers 405 without it
        boolean update = HttpMethod.PUT.equals(request.method()) || HttpMethod.PATCH.equals(request.method());
        String path = post || update ? pathOf(http) : null;
        Route route = path == null ? null : routes.forPath(path).filter(found -> post || found.preserves()).orElse(null);
        if (post && route == null && !path.startsWith(NON_APPLICATION)) {
            // no route, nothing to read the body for (Quarkus's own endpoints under /q/ keep theirs)
            refuse(http, null, GatewayEntry.unrouted(routes.modelsPath(), path));
            return;
        }
        if (route != null) {
            GatewayException refused = refusal(route, request);
            if (refused != null) {
                refuse(http, route, refused);
                return;
            }
        }
        Limit limit = route == null ? serverLimit : routeLimits.get(route.index());
        long declared = declaredLength(request);
        if (limit.bytes() >= 0 && declared > limit.bytes()) {
            refuse(http, route, limit.exceeded(declared));
            return;
        }
        if (!post && route == null) {
            // no other method's body is read: JAX-RS answers them without one
            http.next();
            return;
        }
        http.put(LIMIT_KEY, limit);
        if (!request.isEnded() && bodyTimeoutMillis > 0) {
            long deadline = http.vertx().setTimer(bodyTimeoutMillis, timeUp -> {
                if (!request.isEnded() && !http.response().ended()) {
                    refuse(http, route, new GatewayException(408, "the request body did not arrive within "
                            + bodyTimeoutMillis + " ms; send it at once"));
                }
            });
            http.addEndHandler(ended -> http.vertx().cancelTimer(deadline));
        }
        limit.reader().handle(http);
    }

    /** The refusals that need no body: the client's key first, then the body's type. */
    private static GatewayException refusal(Route route, HttpServerRequest request) {
        try {
            ClientAuthenticator.check(route, request::getHeader);
        } catch (GatewayException unauthorized) {
            return unauthorized;
        }
        // a preserve route's body is the upstream's to judge
        return route.preserves() ? null : GatewayEntry.unsupportedType(request.getHeader(HttpHeaders.CONTENT_TYPE));
    }

    /** A 413 of the body reader, or any other on this router: the OpenAI error shape. */
    private void failed(RoutingContext http) {
        if (http.failure() instanceof HttpClosedException) {
            // the client left: no one to answer, and nothing of ours failed (the request's report says 499)
            return;
        }
        if (http.statusCode() != 413 || http.response().ended()) {
            http.next();
            return;
        }
        Limit limit = http.get(LIMIT_KEY);
        GatewayException tooLarge = limit != null ? limit.exceeded(-1)
                : new GatewayException(413, "request body is larger than the gateway's limit");
        refuse(http, limit == null ? null : limit.route(), tooLarge);
    }

    private void refuse(RoutingContext http, Route route, GatewayException refused) {
        if (route != null) {
            reporter.failed(new Refused(RequestIds.of(http), route, System.nanoTime(), GenAiTelemetry.of(http)), null,
                    refused.status());
        }
        if (lambda) {
            // Lambda freezes the instance once it has answered: the refusal's span goes out first, as every answer's
            telemetry.flushedBefore(http, refused.status(), () -> answer(http, route, refused));
        } else {
            answer(http, route, refused);
        }
    }

    private void answer(RoutingContext http, Route route, GatewayException refused) {
        HttpServerRequest request = http.request();
        HttpServerResponse response = http.response();
        // (HTTP/2 ends the one stream with the answer, and has no Connection header)
        boolean unread = !request.isEnded() && request.version() != HttpVersion.HTTP_2;
        if (unread) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        ErrorMappers.write(response, mapper, route == null ? apis.forPath(pathOf(http)) : apis.of(route), refused);
        if (unread) {
            HttpConnection connection = request.connection();
            long linger = http.vertx().setTimer(LINGER_MILLIS, timeUp -> connection.close());
            request.handler(dropped -> {
            });
            request.endHandler(ended -> {
                http.vertx().cancelTimer(linger);
                connection.close();
            });
            request.resume();
        }
    }

    /** The declared Content-Length, or -1 when there is none (a chunked body) or it is not a number. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /** The path as {@link GatewayEntry} sees it: below the router's mount point, with one leading slash. */
    static String pathOf(RoutingContext http) {
        String path = http.normalizedPath();
        String mount = http.mountPoint();
        if (mount != null && !mount.equals("/") && path.startsWith(mount)) {
            path = path.substring(mount.length());
        }
        return GatewayEntry.withOneLeadingSlash(path);
    }
}
