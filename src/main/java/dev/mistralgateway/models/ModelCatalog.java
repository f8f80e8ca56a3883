package dev.mistralgateway.models;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import dev.mistralgateway.answers.ModelList;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.security.ClientAuthenticator;

/**
 * The models the configured routes serve (each target's {@code MODEL_NAME} and {@code MODEL_ALIAS}),
 * listed in OpenAI's shape for {@code GET /v1/models}, which editors' plugins and chat UIs call
 * first. A client sees the models of the routes it may call: those without client keys, and those
 * whose key it sent.
 */
@ApplicationScoped
public class ModelCatalog {

    private final RouteTable routes;
    /** The gateway serves its models from its start: as good a {@code created} as any it can know. */
    private final long created = Instant.now().getEpochSecond();

    public ModelCatalog(RouteTable routes) {
        this.routes = routes;
    }

    public Optional<String> path() {
        return routes.modelsPath();
    }

    /** @throws GatewayException 401 when every route wants a key and the request has none of theirs */
    public ModelList visibleTo(UnaryOperator<String> clientHeader) {
        Map<String, ModelList.Model> models = new LinkedHashMap<>();
        boolean admitted = false;
        for (Route route : routes.routes()) {
            if (!ClientAuthenticator.admits(route, clientHeader)) {
                continue;
            }
            admitted = true;
            for (Target target : route.targets()) {
                String owner = owner(target);
                target.modelName().ifPresent(name -> models.putIfAbsent(name, model(name, owner)));
                target.modelAlias().ifPresent(alias -> models.putIfAbsent(alias, model(alias, owner)));
            }
        }
        if (!admitted && !routes.routes().isEmpty()) {
            throw new GatewayException(401, "the model list shows the models of the routes a client may call: send "
                    + "the API key of one as " + ClientAuthenticator.howToSend(routes.routes().get(0)));
        }
        return new ModelList(ModelList.OBJECT, new ArrayList<>(models.values()));
    }

    /** One model, as OpenAI's {@code GET /v1/models/{id}} answers it. */
    public ModelList.Model one(String id, UnaryOperator<String> clientHeader) {
        for (ModelList.Model model : visibleTo(clientHeader).data()) {
            if (model.id().equals(id)) {
                return model;
            }
        }
        throw new GatewayException(404, "no route serves the model '" + id + "'; GET " + path().orElse("/v1/models")
                + " lists those that do");
    }

    private ModelList.Model model(String id, String owner) {
        return new ModelList.Model(id, ModelList.Model.OBJECT, created, owner);
    }

    /** Who serves it, in the {@code owned_by} field: Mistral's cloud, Ollama, or a server of the user's own. */
    private static String owner(Target target) {
        if (target.format() == MistralFormat.OLLAMA) {
            return "ollama";
        }
        return target.mistralCloud() ? "mistralai" : "self-hosted";
    }
}
