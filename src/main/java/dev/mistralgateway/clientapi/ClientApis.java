package dev.mistralgateway.clientapi;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.clientapi.anthropic.AnthropicApi;
import dev.mistralgateway.clientapi.chat.OpenAiChatApi;
import dev.mistralgateway.clientapi.responses.ResponsesApi;
import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;

/** The translator of each {@link ClientApiKind}, and the one that answers on a path. */
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class ClientApis {

    private final Map<ClientApiKind, ClientApi> apis = new EnumMap<>(ClientApiKind.class);
    private final RouteTable routes;
    private final ClientApi openAi;

    public ClientApis(ObjectMapper mapper, RouteTable routes, StoredResponses stored) {
        this.routes = routes;
        this.openAi = new OpenAiChatApi();
        apis.put(ClientApiKind.OPENAI, openAi);
        apis.put(ClientApiKind.RESPONSES, new ResponsesApi(mapper, Clock.systemUTC(), stored.notStoredBecause()));
        apis.put(ClientApiKind.ANTHROPIC, new AnthropicApi(mapper));
        for (Route route : routes.routes()) {
            // a route whose API has no translator in this build must not start
            of(route);
        }
    }

    public ClientApi of(Route route) {
        ClientApi api = apis.get(route.clientApi());
        if (api == null) {
            throw new IllegalStateException("no translator for the " + route.clientApi() + " client API of route '"
                    + route.name() + "'");
        }
        return api;
    }

    /** The API of the route on this path; OpenAI's where no route is, as for the model list. */
    public ClientApi forPath(String path) {
        return routes.forPath(path).map(this::of).orElse(openAi);
    }
}
