package dev.mistralgateway.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The function's environment: the runtime's own settings first, then gateway.env's variables, then what
 * the stack fits to the front door (stream time limits, upstream timeouts, the front door's auth, the
 * shared state). Order matters only for reading the template; each name appears once.
 */
final class FunctionVariables {

    private FunctionVariables() {
    }

    static Map<String, String> of(GatewaySettings s, GatewayEnv env, AotCacheZip cache, UpstreamTimeouts.Fitted timeouts,
            SharedStateInfra shared) {
        boolean jvm = s.runtime() == GatewaySettings.FunctionRuntime.JVM;
        boolean server = s.frontDoor().streams();
        Map<String, String> variables = new LinkedHashMap<>();
        if (server) {
            variables.putAll(ServerBuild.adapterVariables(jvm));
        } else if (!jvm) {
            // As in Quarkus's generated sam.native.yaml: the native image must not install signal handlers.
            variables.put("DISABLE_SIGNAL_HANDLERS", "true");
        }
        variables.putAll(env.variables());
        if (cache != null) {
            variables.put("AWS_LAMBDA_EXEC_WRAPPER", AotCacheZip.VARIABLES.get("AWS_LAMBDA_EXEC_WRAPPER"));
            // gateway.env's own JAVA_TOOL_OPTIONS, if any, come after the cache's and may override it
            String own = env.variables().get("JAVA_TOOL_OPTIONS");
            variables.put("JAVA_TOOL_OPTIONS", AotCacheZip.VARIABLES.get("JAVA_TOOL_OPTIONS") + (own == null ? "" : " " + own));
        }
        if (server) {
            variables.putAll(streamTimeLimits(env, s.timeoutSeconds()));
        }
        variables.putAll(timeouts.variables());
        variables.putAll(FrontDoorAuth.variables(env, s));
        variables.putAll(shared.variables());
        return variables;
    }

    /**
     * A streaming function that reaches its timeout is cut off without a word. So every route that
     * gateway.env leaves without a stream time limit ends its streams 5 s before the timeout (1 s
     * for very short ones), with an error event that tells the client why.
     */
    static Map<String, String> streamTimeLimits(GatewayEnv env, int timeoutSeconds) {
        Map<String, String> limits = new LinkedHashMap<>();
        String seconds = String.valueOf(timeoutSeconds > 10 ? timeoutSeconds - 5 : Math.max(1, timeoutSeconds - 1));
        for (int route : env.routes()) {
            String name = "AI_PROXY_ROUTES_" + route + "__MAX_STREAM_SECONDS";
            if (!env.variables().containsKey(name)) {
                limits.put(name, seconds);
            }
        }
        return limits;
    }
}
