package dev.mistralgateway.observe;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import dev.mistralgateway.answers.Ids;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an id before anything else runs: the client's {@code X-Request-Id} when it
 * sent a sensible one, else a new one. Every answer carries it back, and every log line of the
 * request carries it (with, behind Lambda, the Lambda and API Gateway request ids) through the MDC.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";

    static final String KEY = "ai-proxy.request-id";

    /** What a client may choose as an id: short, and nothing that could forge a log line. */
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::assign);
    }

    private void assign(RoutingContext context) {
        String sent = context.request().getHeader(HEADER);
        String id = sent != null && ACCEPTABLE.matcher(sent).matches() ? sent : Ids.next("req-");
        context.put(KEY, id);
        context.response().putHeader(HEADER, id);
        MDC.put("requestId", id);
        if (context.request().headers() instanceof QuarkusHttpHeaders headers) {
            Context lambda = headers.getContextObject(Context.class);
            if (lambda != null) {
                MDC.put("awsRequestId", lambda.getAwsRequestId());
            }
            APIGatewayV2HTTPEvent.RequestContext api = headers.getContextObject(APIGatewayV2HTTPEvent.RequestContext.class);
            if (api != null && api.getRequestId() != null) {
                MDC.put("apiGatewayRequestId", api.getRequestId());
            }
        }
        context.next();
    }

    /** The id {@link #assign} gave this request. */
    public static String of(RoutingContext context) {
        String id = context.get(KEY);
        return id == null ? Ids.next("req-") : id;
    }
}
