package dev.mistralgateway.fuzz;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.format.StreamTranslator;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.testing.TestRoutes;

/**
 * Coverage-guided fuzzing (Jazzer) of everything a client's or an upstream's bytes go through
 * before any I/O: Kong's request rules, each format's request translation, answer translation and
 * stream translation. Allowed outcomes are a translation or a {@link GatewayException} below 500
 * for client input (a 500 "transformation failed" for upstream input); anything else escaping
 * would be a stack trace and a 500 for a user.
 *
 * <p>
 * In a normal test run this replays the seed corpus (Kong's fixtures, in
 * {@code src/test/resources/dev/mistralgateway/fuzz/RequestPathFuzzTestInputs/}); with
 * {@code JAZZER_FUZZ=1} it fuzzes, as .ci/run does briefly and the README says how to do at length.
 */
class RequestPathFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final KongRequestRules RULES = new KongRequestRules(MAPPER);
    private static final Formats FORMATS = new Formats(MAPPER, Clock.systemUTC());
    private static final List<Route> ROUTES = routes();

    private static List<Route> routes() {
        Map<String, String> env = new HashMap<>();
        String[][] routes = { { "openai", "llm/v1/chat", "/x" }, { "openai", "llm/v1/completions", "/x" },
                { "ollama", "llm/v1/chat", "/x" }, { "ollama", "llm/v1/completions", "/x" },
                { "openai", "llm/v1/completions", "/v1/fim/completions" }, { "openai", "llm/v1/embeddings", "/x" },
                { "ollama", "llm/v1/embeddings", "/x" } };
        for (int i = 0; i < routes.length; i++) {
            String at = "AI_PROXY_ROUTES_" + i + "__";
            env.put(at + "PATHS", "/r" + i);
            env.put(at + "MAX_REQUEST_BODY_SIZE", "65536");
            env.put(at + "TARGETS_0__ROUTE_TYPE", routes[i][1]);
            env.put(at + "TARGETS_0__MODEL_PROVIDER", "mistral");
            env.put(at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT", routes[i][0]);
            env.put(at + "TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL", "http://127.0.0.1:1" + routes[i][2]);
            env.put(at + "TARGETS_0__MODEL_OPTIONS_MISTRAL_CLOUD", "true");
            env.put(at + "TARGETS_0__MODEL_OPTIONS_MAX_TOKENS", "64");
        }
        return TestRoutes.fromEnvironment(env);
    }

    @FuzzTest(maxDuration = "20s")
    void clientBodies(byte[] body) {
        for (Route route : ROUTES) {
            Target target = route.targets().get(0);
            try {
                ObjectNode checked = RULES.check(route, body);
                ClientRequest request = RULES.forTarget(route, target, checked);
                FORMATS.of(target.format()).toUpstream(request, target);
            } catch (GatewayException refused) {
                if (refused.status() >= 500) {
                    throw refused;
                }
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void upstreamAnswers(byte[] answer) {
        for (Route route : ROUTES) {
            Target target = route.targets().get(0);
            Format format = FORMATS.of(target.format());
            ClientRequest request = RULES.forTarget(route, target, (ObjectNode) tree(target));
            try {
                format.fromUpstream(answer, request, target);
            } catch (GatewayException untranslatable) {
                if (untranslatable.status() != 500) {
                    throw untranslatable;
                }
            }
            format.errorFromUpstream(502, answer);
            StreamTranslator stream = format.streamTranslator(request, target);
            int half = answer.length / 2;
            stream.next(Arrays.copyOfRange(answer, 0, half));
            stream.next(Arrays.copyOfRange(answer, half, answer.length));
            stream.end();
        }
    }

    private static Object tree(Target target) {
        ObjectNode body = MAPPER.createObjectNode().put("model", "m").put("stream", true);
        if (target.routeType() == RouteType.CHAT) {
            body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        } else if (target.routeType() == RouteType.EMBEDDINGS) {
            body.remove("stream");
            body.putArray("input").add("hi");
            body.put("encoding_format", "base64");
        } else {
            body.put("prompt", "hi");
        }
        if (target.format() == MistralFormat.OLLAMA) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }
}
