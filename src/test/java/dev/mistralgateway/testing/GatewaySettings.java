package dev.mistralgateway.testing;

import java.util.HashMap;
import java.util.Locale;
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
        return target(route, 0, property, value);
    }

    /** A property of one of the route's targets. */
    public GatewaySettings target(int route, int target, String property, String value) {
        properties.put("ai-proxy.routes[" + route + "].targets[" + target + "]." + property, value);
        return this;
    }

    /**
     * Makes a target Mistral's cloud API serving this model: a test upstream stands in for
     * api.mistral.ai, so the cloud's hygiene is asked for explicitly.
     */
    public GatewaySettings mistralCloud(int route, int target, String model) {
        target(route, target, "model.options.mistral-cloud", "true");
        return target(route, target, "model.name", model);
    }

    /** Another target of a route (mistral provider), with its weight. */
    public GatewaySettings alsoTarget(int route, int target, String format, String upstreamUrl, int weight) {
        target(route, target, "route-type", "llm/v1/chat");
        target(route, target, "model.provider", "mistral");
        target(route, target, "model.options.mistral-format", format);
        target(route, target, "model.options.upstream-url", upstreamUrl);
        return target(route, target, "weight", String.valueOf(weight));
    }

    /** A setting of Quarkus itself, e.g. {@code quarkus.http.limits.max-body-size}. */
    public GatewaySettings server(String property, String value) {
        properties.put(property, value);
        return this;
    }

    public Map<String, String> build() {
        return Map.copyOf(properties);
    }

    /**
     * The same settings as the environment variables of a deployed function, by SmallRye Config's rule
     * ({@code ai-proxy.routes[0].paths} is {@code AI_PROXY_ROUTES_0__PATHS}).
     */
    public Map<String, String> environment() {
        Map<String, String> variables = new HashMap<>();
        properties.forEach(
                (name, value) -> variables.put(name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT), value));
        return variables;
    }
}
