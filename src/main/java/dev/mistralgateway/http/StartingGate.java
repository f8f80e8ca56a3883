package dev.mistralgateway.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.error.ErrorBody;
import io.quarkus.runtime.Application;
import io.quarkus.runtime.LaunchMode;

/**
 * A request that reaches the Lambda HTTP handler before the application has started gets a 503
 * in the OpenAI error shape, with {@code Retry-After}, instead of the handler's logged
 * {@code Request Failure: ... No virtual channel available} and its bare 500.
 *
 * <p>
 * This happens in dev mode: the mock event server takes requests as soon as it listens, and the
 * Lambda poll loop hands them to the handler before Quarkus opens its virtual HTTP channel, the last
 * step of start-up. Only dev mode is gated: on AWS, Lambda sends no event before the function's
 * start-up is done, so every request passes straight through. (The Lambda extension leaves decorators out when it looks for
 * the function's handler, so this wraps its handler rather than competing with it.)
 */
@Decorator
@Priority(1)
public class StartingGate implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = Logger.getLogger(StartingGate.class);

    static final String MESSAGE = "the gateway is starting and cannot answer yet; send the request again in a moment";

    @Inject
    @Delegate
    @Any
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

    @Inject
    ObjectMapper mapper;

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Application application = Application.currentApplication();
        return handleRequest(event, context, ready(LaunchMode.current(), application != null && application.isStarted()));
    }

    /**
     * Whether the handler can serve: always outside dev mode (on AWS no event comes before start-up is
     * done, and Quarkus's Lambda handler starts the application its own way, which it does not report
     * as started; tests send requests once it has started), in dev mode once the application says so.
     */
    static boolean ready(LaunchMode mode, boolean applicationStarted) {
        return mode != LaunchMode.DEVELOPMENT || applicationStarted;
    }

    APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context, boolean ready) {
        if (ready) {
            return handler.handleRequest(event, context);
        }
        LOG.infof("a request arrived before start-up was done: answered 503 (%s %s)", method(event),
                event.getRawPath());
        APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        response.setStatusCode(503);
        response.setMultiValueHeaders(Map.of("Content-Type", List.of("application/json"), "Retry-After", List.of("1")));
        response.setBody(new String(ErrorMappers.json(mapper, ErrorBody.of(503, MESSAGE, "starting")),
                StandardCharsets.UTF_8));
        return response;
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() == null || event.getRequestContext().getHttp() == null ? "?"
                : event.getRequestContext().getHttp().getMethod();
    }
}
