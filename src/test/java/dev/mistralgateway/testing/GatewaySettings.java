package dev.mistralgateway.testing;

import java.util.HashMap;
import java.util.Map;

/** The gateway configuration a test gives Quarkus, as the property names the environment maps to. */
public final class GatewaySettings {

    private final Map<String, String> properties = new HashMap<>();

    /** A route with one target: its path, route type, format and upstream URL, provider mistral. */
    public GatewaySettings route(int route, String path, String routeType, String format, String upstreamUrl) {
        properties.put("ai-proxy.routes[" + route + "].paths", path);
        target(route, "route-type", routeType);
        target(route, "model.provider", "mistral");
        target(route, "model.options.mistral-format", format);
        return target(route, "model.options.upstream-url", upstreamUrl);
    }

    /** A route-level property, e.g. {@code response-streaming}. */
    public GatewaySettings routeSetting(int route, String property, String value) {
        properties.put("ai-proxy.routes[" + route + "]." + property, value);
        return this;
    }

    /** A property of the route's first target, e.g. {@code model.name}. */
    public GatewaySettings target(int route, String property, String value) {
        properties.put("ai-proxy.routes[" + route + "].targets[0]." + property, value);
        return this;
    }

    public Map<String, String> build() {
        return Map.copyOf(properties);
    }
}
