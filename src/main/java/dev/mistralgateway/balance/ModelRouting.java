package dev.mistralgateway.balance;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;

/**
 * On a route whose targets serve several models (their {@code MODEL_NAME}s differ, or any has a
 * {@code MODEL_ALIAS}), the model the client names picks the targets that may serve it, so one
 * base URL reaches every model as OpenAI SDK users expect; the balancer and failover then work among
 * those. A route serving one model keeps Kong's rule ("cannot use own model").
 */
public final class ModelRouting {

    private ModelRouting() {
    }

    /**
     * The targets that do not serve the model the body names: none when it names no model or the
     * route serves one model. Targets configured for that name or alias serve it; when there are
     * none, targets without a configured model (they take the client's) do.
     *
     * @throws GatewayException 400 listing the route's models when no target serves the one named
     */
    public static Set<Integer> notServing(Route route, ObjectNode checked) {
        JsonNode requested = checked.get("model");
        if (requested == null || !requested.isTextual() || requested.textValue().isBlank() || !servesSeveral(route)) {
            return Set.of();
        }
        String model = requested.textValue();
        Set<Integer> named = new HashSet<>();
        Set<Integer> open = new HashSet<>();
        for (Target target : route.targets()) {
            if (target.serves(model)) {
                named.add(target.index());
            } else if (target.modelName().isEmpty()) {
                open.add(target.index());
            }
        }
        Set<Integer> serving = named.isEmpty() ? open : named;
        if (serving.isEmpty()) {
            throw GatewayException.badRequest("model '" + model + "' is not served by this route; it serves: "
                    + String.join(", ", models(route)));
        }
        Set<Integer> others = new HashSet<>();
        for (Target target : route.targets()) {
            if (!serving.contains(target.index())) {
                others.add(target.index());
            }
        }
        return others;
    }

    private static boolean servesSeveral(Route route) {
        Set<String> names = new HashSet<>();
        for (Target target : route.targets()) {
            if (target.modelAlias().isPresent()) {
                return true;
            }
            target.modelName().ifPresent(names::add);
        }
        return names.size() > 1;
    }

    /** Each configured name, with its aliases beside it. */
    private static Set<String> models(Route route) {
        Set<String> models = new LinkedHashSet<>();
        for (Target target : route.targets()) {
            target.modelName().ifPresent(name -> models.add(
                    target.modelAlias().map(alias -> name + " (or " + alias + ")").orElse(name)));
        }
        return models;
    }
}
