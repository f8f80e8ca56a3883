package dev.mistralgateway.infra;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The front door's authorization as the gateway must know it. Two things follow from it:
 * <ul>
 * <li>the gateway is told, by {@code AI_PROXY_FRONT_DOOR_AUTH} ({@code iam}, {@code jwt} or {@code none}),
 * so that a route without client keys behind IAM or JWT is not reported as open at start-up;</li>
 * <li>behind IAM or JWT the client's {@code Authorization} header carries its SigV4 signature or its JWT,
 * so it cannot also carry a client key of the gateway (whose header defaults to {@code Authorization}):
 * every request would get 401. Synthesis refuses that, rather than move the key to another header by
 * itself: where clients send their key is part of what they must be told, so it is written in
 * gateway.env, where the owner sees it.</li>
 * </ul>
 */
final class FrontDoorAuth {

    static final String VARIABLE = "AI_PROXY_FRONT_DOOR_AUTH";
    /** The gateway's default CLIENT_AUTH_HEADER. */
    private static final String AUTHORIZATION = "Authorization";

    private FrontDoorAuth() {
    }

    /** The variable to set on the function, once gateway.env has been checked against the front door. */
    static Map<String, String> variables(GatewayEnv env, GatewaySettings s) {
        String auth = s.auth().name().toLowerCase(Locale.ROOT);
        String claimed = env.variables().get(VARIABLE);
        if (claimed != null && !claimed.strip().equalsIgnoreCase(auth)) {
            throw new ConfigurationError(VARIABLE + "=" + claimed.strip() + " in gateway.env, but the front door "
                    + "authorizes with " + auth
                    + " (-c auth): the stack sets this variable from -c auth; remove it from gateway.env");
        }
        if (s.auth() != GatewaySettings.Auth.NONE) {
            env.routes().forEach(route -> requireKeysOutsideAuthorization(env, s, route));
        }
        return Map.of(VARIABLE, auth);
    }

    private static void requireKeysOutsideAuthorization(GatewayEnv env, GatewaySettings s, int route) {
        String prefix = "AI_PROXY_ROUTES_" + route + "__CLIENT_AUTH_";
        String keys = env.variables().getOrDefault(prefix + "KEY_SHA256", "");
        // The gateway skips empty digests: a list of none is no key.
        boolean hasKeys = Arrays.stream(keys.split(",")).anyMatch(digest -> !digest.isBlank());
        String header = env.variables().getOrDefault(prefix + "HEADER", AUTHORIZATION).strip();
        if (!hasKeys || !header.equalsIgnoreCase(AUTHORIZATION)) {
            return;
        }
        boolean iam = s.auth() == GatewaySettings.Auth.IAM;
        // A REST API reads x-api-key as its own API key (usage plans): another name keeps the two apart.
        String suggested = s.frontDoor() == GatewaySettings.FrontDoor.REST_STREAM ? "X-Gateway-Key" : "X-Api-Key";
        throw new ConfigurationError(prefix + "KEY_SHA256 is set, so the gateway wants a client key in the "
                + "Authorization header (" + prefix + "HEADER, default Authorization); with auth=" + (iam ? "iam" : "jwt")
                + " that header carries the caller's " + (iam ? "SigV4 signature" : "JWT")
                + ", so every request would get 401. "
                + "To keep both, add " + prefix + "HEADER=" + suggested + " to gateway.env (clients send " + suggested
                + ": <key> beside their " + (iam ? "signature" : "token") + "); or drop the client keys, since "
                + (iam ? "IAM" : "the JWT authorizer") + " already decides who may call; or rely on the keys alone with "
                + "-c auth=none -c allowPublicAccess=true");
    }
}
