package dev.mistralgateway.http;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.models.ModelCatalog;
import dev.mistralgateway.observe.RequestIds;
import dev.mistralgateway.proxy.Answer;
import dev.mistralgateway.proxy.PreservedRequest;
import dev.mistralgateway.proxy.Proxy;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * The JAX-RS entry for every configured path but the {@code POST}s to a route that is not a preserve route, which
 * {@link PostEntry} answers before JAX-RS (the request every client sends, at the least cost). It only adapts HTTP
 * to {@link Proxy}; errors go out through {@link ErrorMappers}. How a preserve route's {@code POST} is answered
 * depends on what carries the request, so each build has one subclass that adds it: {@link LambdaGatewayResource}
 * behind the Lambda HTTP handler, {@link ServerGatewayResource} in the plain HTTP server.
 */
public abstract class GatewayEntry {

    /** The build property that picks the entry: {@code lambda} (the default) or {@code server}. */
    static final String ENTRY_PROPERTY = "gateway.entry";

    private final RouteTable routes;
    private final Proxy proxy;
    private final ModelCatalog models;
    private final StoredResponses stored;

    protected GatewayEntry(RouteTable routes, Proxy proxy, ModelCatalog models, StoredResponses stored) {
        this.routes = routes;
        this.proxy = proxy;
        this.models = models;
        this.stored = stored;
    }

    /**
     * The answer to a POST on a preserve route (every other POST is {@link PostEntry}'s); fails at once when the
     * request is refused. The body is the one {@link RequestIntake} read, within the route's limit, into the
     * routing context.
     */
    protected Uni<Answer> answer(HttpHeaders headers, UriInfo uri, RoutingContext http) {
        // any body, JSON or not, goes to the target as it came
        return preserved(route(uri), HttpMethod.POST, bodyOf(http), headers, uri, http);
    }

    /** A request on a preserve route, to its target as it came: any method it takes, its sub-path, its query. */
    protected Uni<Answer> preserved(Route route, HttpMethod method, byte[] body, HttpHeaders headers, UriInfo uri,
            RoutingContext http) {
        String path = pathOf(uri);
        return proxy.passThrough(route, new PreservedRequest(method, path, routes.below(route, path), body,
                headers::getHeaderString, queryOf(http.request()), http.request().query(), routes.captures(route, path),
                RequestIds.of(http)));
    }

    /**
     * A preserve route's {@code GET}, {@code PUT}, {@code PATCH} or {@code DELETE} as this build writes a whole answer:
     * {@link #gathered} in the server, with the request's telemetry flushed first behind Lambda.
     */
    protected abstract Uni<Response> passedOn(Supplier<Uni<Answer>> answer, RoutingContext http);

    /** The answer as one response: status, headers and the whole body, whatever its type (bytes stay bytes). */
    protected static Uni<Response> gathered(Uni<Answer> answered) {
        return answered.flatMap(answer -> answer.gathered()
                .map(whole -> {
                    Response.ResponseBuilder response = Response.status(answer.status()).entity(whole);
                    // Quarkus REST sets the length of the gathered body itself
                    answer.headers().forEach((name, values) -> {
                        if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                            values.forEach(value -> response.header(name, value));
                        }
                    });
                    return response.build();
                }));
    }

    /**
     * The refusal of a body of this type, or null for JSON, no type at all, and text (some clients label JSON
     * so); a type that cannot be read is refused too.
     */
    static GatewayException unsupportedType(String header) {
        if (header == null || header.equalsIgnoreCase(MediaType.APPLICATION_JSON)) {
            // nearly every client's type: no media type parsed for it at each request
            return null;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(header);
        } catch (IllegalArgumentException unreadable) {
            return new GatewayException(415, "the Content-Type header cannot be read; send the request body as JSON, "
                    + "with Content-Type: application/json");
        }
        if (type.getSubtype().equals("json") || type.getSubtype().endsWith("+json")
                || type.isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
            return null;
        }
        return new GatewayException(415, "send the request body as JSON, with Content-Type: application/json "
                + "(not " + type.getType() + "/" + type.getSubtype() + ")");
    }

    private static final byte[] NO_BODY = new byte[0];

    /** The body {@link RequestIntake} read into the routing context (none: empty). */
    static byte[] bodyOf(RoutingContext http) {
        RequestBody body = http.body();
        Buffer read = body == null ? null : body.buffer();
        return read == null ? NO_BODY : read.getBytes();
    }

    // JAX-RS takes one method designator per method: each other method answers 405 on a route, 404 elsewhere

    /**
     * GET answers the model list (and one model of it), goes through a preserve route (a file list, a
     * batch job) and, under a Responses route's path, a stored response ({@code <path>/<id>}); elsewhere
     * GET is not allowed.
     */
    @GET
    @Path("{path:.*}")
    public Uni<Response> get(UriInfo uri, HttpHeaders headers, RoutingContext http) {
        String path = pathOf(uri);
        Optional<String> list = models.path();
        if (list.isPresent() && path.equals(list.get())) {
            return json(models.visibleTo(headers::getHeaderString));
        }
        if (list.isPresent() && path.startsWith(list.get() + "/")) {
            String id = path.substring(list.get().length() + 1);
            return json(models.one(id, headers::getHeaderString));
        }
        Optional<Route> preserve = routes.forPath(path).filter(Route::preserves);
        if (preserve.isPresent()) {
            return passedOn(() -> preserved(preserve.get(), HttpMethod.GET, NO_BODY, headers, uri, http), http);
        }
        Optional<Route> responses = responsesRouteAbove(path);
        if (responses.isPresent()) {
            return stored.retrieve(responses.get(), lastSegment(path), headers::getHeaderString).map(GatewayEntry::ok);
        }
        throw notAllowed(uri);
    }

    /** The Responses route whose path is the one above this path's last segment (a stored response's id). */
    private Optional<Route> responsesRouteAbove(String path) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            return Optional.empty();
        }
        return routes.forPath(path.substring(0, slash)).filter(route -> route.clientApi() == ClientApiKind.RESPONSES);
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Uni<Response> json(Object entity) {
        return Uni.createFrom().item(ok(entity));
    }

    private static Response ok(Object entity) {
        return Response.ok(entity, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** PUT and PATCH go through a preserve route with their body (Mistral's agent and library updates). */
    @PUT
    @Path("{path:.*}")
    public Uni<Response> put(UriInfo uri, HttpHeaders headers, RoutingContext http) {
        return updated(HttpMethod.PUT, uri, headers, http);
    }

    /**
     * DELETE goes through a preserve route, and deletes a stored response ({@code <path>/<id>} under a
     * Responses route); elsewhere it is not allowed.
     */
    @DELETE
    @Path("{path:.*}")
    public Uni<Response> delete(UriInfo uri, HttpHeaders headers, RoutingContext http) {
        String path = pathOf(uri);
        Optional<Route> preserve = routes.forPath(path).filter(Route::preserves);
        if (preserve.isPresent()) {
            return passedOn(() -> preserved(preserve.get(), HttpMethod.DELETE, NO_BODY, headers, uri, http), http);
        }
        Optional<Route> responses = responsesRouteAbove(path);
        if (responses.isPresent()) {
            return stored.delete(responses.get(), lastSegment(path), headers::getHeaderString).map(GatewayEntry::ok);
        }
        throw notAllowed(uri);
    }

    @PATCH
    @Path("{path:.*}")
    public Uni<Response> patch(UriInfo uri, HttpHeaders headers, RoutingContext http) {
        return updated(HttpMethod.PATCH, uri, headers, http);
    }

    /** The body is the one {@link RequestIntake} read for a preserve route; elsewhere the method is not allowed. */
    private Uni<Response> updated(HttpMethod method, UriInfo uri, HttpHeaders headers, RoutingContext http) {
        Route route = route(uri);
        if (!route.preserves()) {
            throw notAllowed(uri);
        }
        return passedOn(() -> preserved(route, method, bodyOf(http), headers, uri, http), http);
    }

    @OPTIONS
    @Path("{path:.*}")
    public Response options(UriInfo uri) {
        throw notAllowed(uri);
    }

    /** A 405 whose {@code Allow} names what the route takes, and whose message says what to send. */
    private GatewayException notAllowed(UriInfo uri) {
        if (route(uri).preserves()) {
            return new GatewayException(405, "this preserve route takes GET, POST, PUT, PATCH and DELETE, as "
                    + "Mistral's API does: send one of them").withHeaders(Map.of(HttpHeaders.ALLOW,
                            "GET, POST, PUT, PATCH, DELETE"));
        }
        // Allow: POST, as on every 405 without its own (ErrorMappers)
        return new GatewayException(405, "this route only takes POST, with an OpenAI-style JSON body");
    }

    private Route route(UriInfo uri) {
        String path = pathOf(uri);
        return routes.forPath(path).orElseThrow(() -> unrouted(models.path(), path));
    }

    /** The answer to a request on a path without a route: 405 on the model list, else 404. */
    static GatewayException unrouted(Optional<String> modelsPath, String path) {
        if (modelsPath.filter(path::equals).isPresent()) {
            return new GatewayException(405, "the model list only takes GET").withHeaders(Map.of(HttpHeaders.ALLOW, "GET"));
        }
        return new GatewayException(404, "no route matches the path " + path);
    }

    private static String pathOf(UriInfo uri) {
        return withOneLeadingSlash(uri.getPath());
    }

    /**
     * The path as routes name it: one leading slash, however many the client sent (a loop: a regex costs each request a
     * compile).
     */
    static String withOneLeadingSlash(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return start == 1 ? path : "/" + path.substring(start);
    }

    /** The client's query parameters, the first value of each (most requests have none). */
    static Map<String, String> queryOf(HttpServerRequest request) {
        if (request.query() == null) {
            return Map.of();
        }
        Map<String, String> query = new HashMap<>();
        request.params().forEach(parameter -> query.putIfAbsent(parameter.getKey(), parameter.getValue()));
        return query;
    }
}
