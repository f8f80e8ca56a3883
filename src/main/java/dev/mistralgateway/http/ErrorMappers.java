package dev.mistralgateway.http;

import java.util.concurrent.CompletionException;

import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.ClientApis;
import dev.mistralgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The only place that writes error answers: every failure leaves in the error shape of the API
 * the path's route speaks (the OpenAI error shape elsewhere), never as a stack trace or an HTML page. Those of JAX-RS
 * resources come through its exception mappers; a request refused before its body is read ({@link RequestIntake})
 * and every answer of {@link PostEntry} are written on the Vert.x response by {@link #write} (with
 * {@link #answerable} for a failure), and one that reaches the Lambda handler before start-up is done by
 * {@link StartingGate}, with {@link #json}.
 */
@Singleton
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    private final ClientApis apis;

    public ErrorMappers(ClientApis apis) {
        this.apis = apis;
    }

    @ServerExceptionMapper
    public Response gateway(GatewayException e, UriInfo uri) {
        return answer(e, apiOf(uri));
    }

    private ClientApi apiOf(UriInfo uri) {
        return apis.forPath(GatewayEntry.withOneLeadingSlash(uri.getPath()));
    }

    private static Response answer(GatewayException e, ClientApi api) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(api.errorBody(e.status(), e.getMessage(), null));
        if (e.status() == 405 && !e.headers().containsKey(HttpHeaders.ALLOW)) {
            response.header(HttpHeaders.ALLOW, "POST");
        }
        e.headers().forEach(response::header);
        return response.build();
    }

    /**
     * The same answer as {@link #gateway}, written on a response below JAX-RS: status, the error's
     * headers, and the API's error shape as JSON.
     */
    static void write(HttpServerResponse response, ObjectMapper mapper, ClientApi api, GatewayException e) {
        byte[] body = json(mapper, api.errorBody(e.status(), e.getMessage(), null));
        e.headers().forEach(response::putHeader);
        response.setStatusCode(e.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .end(Buffer.buffer(body));
    }

    /** The error as JSON bytes. */
    static byte[] json(ObjectMapper mapper, Object error) {
        try {
            return mapper.writeValueAsBytes(error);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("an error body is strings and nulls", impossible);
        }
    }

    /** Errors raised by Quarkus REST itself (unsupported media type, unreadable body, ...). */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e, UriInfo uri) {
        return answer(answerable(e), apiOf(uri));
    }

    /** An asynchronous step failed: answer for what actually went wrong. */
    @ServerExceptionMapper
    public Response async(CompletionException e, UriInfo uri) {
        return answer(answerable(e), apiOf(uri));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        return answer(answerable(e), apiOf(uri));
    }

    /**
     * The error a failure is answered as: a {@link GatewayException} as it is (unwrapped from an asynchronous step's
     * {@link CompletionException}), a framework's refusal with its status, anything else a 500 whose cause is logged.
     */
    static GatewayException answerable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof GatewayException gateway) {
            return gateway;
        }
        if (cause instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            String reason = web.getResponse().getStatusInfo().getReasonPhrase();
            return new GatewayException(status, status >= 500 ? "the gateway failed: " + reason
                    : "the request was refused: " + reason);
        }
        LOG.error("unexpected failure while handling a request", cause);
        return new GatewayException(500, "the gateway failed to handle this request; the error is in the gateway's log");
    }
}
