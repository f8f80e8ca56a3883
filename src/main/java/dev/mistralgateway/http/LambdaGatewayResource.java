package dev.mistralgateway.http;

import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.models.ModelCatalog;
import dev.mistralgateway.observe.otel.GenAiTelemetry;
import dev.mistralgateway.proxy.Answer;
import dev.mistralgateway.proxy.Proxy;
import dev.mistralgateway.route.RouteTable;
import io.quarkus.arc.properties.UnlessBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The JAX-RS entry behind the Lambda HTTP handler (API Gateway events, and the mock event server of dev
 * and test mode) for a preserve route's {@code POST} (every other {@code POST} is {@link PostEntry}'s, which writes
 * its answers the same way). Lambda returns a whole response, so a stream's events are gathered into one
 * {@code text/event-stream} body and sent when the upstream is done. (The handler's virtual
 * connection also never completes a chunked write before the response ends, so chunk-by-chunk
 * writing would stall here.)
 */
@Path("/")
@UnlessBuildProperty(name = GatewayEntry.ENTRY_PROPERTY, stringValue = "server", enableIfMissing = true)
public class LambdaGatewayResource extends GatewayEntry {

    private final GenAiTelemetry telemetry;

    public LambdaGatewayResource(RouteTable routes, Proxy proxy, ModelCatalog models, StoredResponses stored,
            GenAiTelemetry telemetry) {
        super(routes, proxy, models, stored);
        this.telemetry = telemetry;
    }

    @POST
    @Path("{path:.*}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> post(HttpHeaders headers, UriInfo uri, RoutingContext http) {
        // Lambda freezes the instance once it has answered: the request's spans and metrics go out first
        return telemetry.flushedBefore(http, () -> whole(headers, uri, http), Response::getStatus);
    }

    private Uni<Response> whole(HttpHeaders headers, UriInfo uri, RoutingContext http) {
        return gathered(answer(headers, uri, http));
    }

    @Override
    protected Uni<Response> passedOn(Supplier<Uni<Answer>> answer, RoutingContext http) {
        return telemetry.flushedBefore(http, () -> gathered(answer.get()), Response::getStatus);
    }
}
