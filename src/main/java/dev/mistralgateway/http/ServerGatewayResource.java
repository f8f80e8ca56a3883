package dev.mistralgateway.http;

import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestMulti;

import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.models.ModelCatalog;
import dev.mistralgateway.proxy.Answer;
import dev.mistralgateway.proxy.Proxy;
import dev.mistralgateway.route.RouteTable;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The JAX-RS entry of the plain HTTP server build ({@code -Pserver}) for a preserve route's {@code POST} (every other
 * {@code POST} is {@link PostEntry}'s): a stream's events are written to the client as they arrive from the upstream,
 * and the client going away cancels the upstream call.
 */
@Path("/")
@IfBuildProperty(name = GatewayEntry.ENTRY_PROPERTY, stringValue = "server")
public class ServerGatewayResource extends GatewayEntry {

    private static final String TRANSFER_ENCODING = "Transfer-Encoding";

    public ServerGatewayResource(RouteTable routes, Proxy proxy, ModelCatalog models, StoredResponses stored) {
        super(routes, proxy, models, stored);
    }

    @POST
    @Path("{path:.*}")
    @Consumes(MediaType.WILDCARD)
    public RestMulti<byte[]> post(HttpHeaders headers, UriInfo uri, RoutingContext http) {
        // status and headers are known before the first byte: a JSON answer is a body of one piece,
        // a stream's events follow one another. Quarkus REST writes every Multi chunked; a body of one
        // piece whose length the answer names (Answer.whole) goes out with its Content-Length instead,
        // which clients and proxies handle more cheaply than chunks
        HttpServerResponse response = http.response();
        // added to the routing context's own (the response's one headersEndHandler is the context's to set)
        http.addHeadersEndHandler(ignored -> {
            if (response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                response.setChunked(false);
                response.headers().remove(TRANSFER_ENCODING);
            }
        });
        return RestMulti.fromUniResponse(answer(headers, uri, http), Answer::body, Answer::headers, Answer::status);
    }

    @Override
    protected Uni<Response> passedOn(Supplier<Uni<Answer>> answer, RoutingContext http) {
        return gathered(answer.get());
    }
}
