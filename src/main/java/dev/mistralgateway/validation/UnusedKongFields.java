package dev.mistralgateway.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.GatewayConfig.RouteConfig;
import dev.mistralgateway.config.KongPluginConfig;

/**
 * Kong fields a route sets that have no meaning in this gateway, named in one start-up line per
 * route: Kong's exports carry every field with its default ({@code balancer.slots: 10000},
 * {@code genai_category}), so a pasted block holds some, and refusing them would refuse Kong's own
 * examples. {@code balancer.slots} sizes Kong's hash ring; ours is sized by the targets.
 */
final class UnusedKongFields {

    private UnusedKongFields() {
    }

    /** The line to log, or empty when the route sets none. */
    static Optional<String> line(String routeName, String at, RouteConfig config) {
        List<String> fields = new ArrayList<>();
        config.balancer().slots().ifPresent(slots -> fields.add("balancer.slots"));
        config.config().ifPresent(block -> KongPluginConfig.parse(block).ignored().forEach(fields::add));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("route '" + routeName + "': Kong fields with no meaning in this gateway are accepted and "
                + "ignored: " + String.join(", ", fields) + " (" + EnvNames.of(at + "config") + " or "
                + EnvNames.of(at + "balancer.slots") + ")");
    }

    /**
     * Kong's {@code llm-accuracy} counts a target's usage by the scores Kong's ai-llm-as-judge plugin
     * gives its answers; there is no judge here, so the route cannot balance by it.
     */
    static Optional<String> unsupportedTokensCountStrategy(String value) {
        return value.trim().equalsIgnoreCase("llm-accuracy")
                ? Optional.of("'llm-accuracy' needs Kong's ai-llm-as-judge plugin, which scores answers; this gateway "
                        + "has no judge: use total-tokens, prompt-tokens, completion-tokens or cost")
                : Optional.empty();
    }
}
