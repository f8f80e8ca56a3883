package dev.mistralgateway.format;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.RouteType;

/** An upstream 200 answer that cannot become an OpenAI answer: Kong's 500 "transformation failed". */
public class TransformationException extends GatewayException {

    public TransformationException(RouteType routeType, String formatSuffix, String reason) {
        super(500, "transformation failed from type mistral://" + routeType.id() + formatSuffix + ": " + reason);
    }
}
