package dev.mistralgateway.http;

import java.util.concurrent.CompletionException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The only place that writes error answers: every failure leaves as the OpenAI error shape,
 * never as a stack trace or an HTML page. Most come through JAX-RS; a request refused before its
 * body is read ({@link RequestIntake}) is answered on the Vert.x response by {@link #write}, and one
 * that reaches the Lambda handler before start-up is done by {@link StartingGate}, with {@link #json}.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response gateway(GatewayException e) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of(e.status(), e.getMessage()));
        if (e.status() == 405 && !e.headers().containsKey(HttpHeaders.ALLOW)) {
            response.header(HttpHeaders.ALLOW, "POST");
        }
        e.headers().forEach(response::header);
        return response.build();
    }

    /**
     * The same answer as {@link #gateway}, written on a response below JAX-RS: status, the error's
     * headers, and the OpenAI error shape as JSON.
     */
    static void write(HttpServerResponse response, ObjectMapper mapper, GatewayException e) {
        byte[] body = json(mapper, ErrorBody.of(e.status(), e.getMessage()));
        e.headers().forEach(response::putHeader);
        response.setStatusCode(e.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .end(Buffer.buffer(body));
    }

    /** The error as JSON bytes. */
    static byte[] json(ObjectMapper mapper, ErrorBody error) {
        try {
            return mapper.writeValueAsBytes(error);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("an error body is strings and nulls", impossible);
        }
    }

    /** Errors raised by Quarkus REST itself (unsupported media type, unreadable body, ...). */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return gateway(new GatewayException(status, status >= 500 ? "the gateway failed: " + reason
                : "the request was refused: " + reason));
    }

    /** An asynchronous step failed: answer for what actually went wrong. */
    @ServerExceptionMapper
    public Response async(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof GatewayException gateway) {
            return gateway(gateway);
        }
        if (cause instanceof WebApplicationException web) {
            return framework(web);
        }
        return unexpected(cause == null ? e : cause);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure while handling a request", e);
        return gateway(new GatewayException(500, "the gateway failed to handle this request; "
                + "the error is in the gateway's log"));
    }
}
