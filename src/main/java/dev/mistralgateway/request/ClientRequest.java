package dev.mistralgateway.request;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.route.RouteType;

/**
 * A client request that passed Kong's checks: the body (with the target's option overrides
 * applied), the model it resolves to, whether the answer streams, and the fields the target
 * dropped as ones it cannot honour ({@link UnsupportedFields}), which the answer names.
 */
public record ClientRequest(ObjectNode body, RouteType routeType, String model, boolean stream, List<String> dropped) {

    /** A request of which nothing was dropped. */
    public ClientRequest(ObjectNode body, RouteType routeType, String model, boolean stream) {
        this(body, routeType, model, stream, List.of());
    }
}
