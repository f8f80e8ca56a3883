package dev.mistralgateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.config.RouteType;

/**
 * A client request that passed Kong's checks: the body (with the target's option overrides
 * applied), the model it resolves to, and whether the answer streams.
 */
public record ClientRequest(ObjectNode body, RouteType routeType, String model, boolean stream) {
}
