package dev.mistralgateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.route.Route;

/**
 * The gateway's own client keys, usable with or without an API Gateway authorizer: a route with
 * keys answers 401 to a request without one of them. Keys are configured as SHA-256 digests, so the
 * configuration holds nothing a reader could use, and compared in constant time.
 */
public final class ClientAuthenticator {

    private static final String BEARER = "bearer ";

    private ClientAuthenticator() {
    }

    /** @throws GatewayException 401 when the route wants a key and the request has none of its keys */
    public static void check(Route route, UnaryOperator<String> clientHeader) {
        String refusal = refusal(route, clientHeader);
        if (refusal != null) {
            throw new GatewayException(401, refusal);
        }
    }

    /** Whether the request may call this route: it wants no key, or the request has one of its keys. */
    public static boolean admits(Route route, UnaryOperator<String> clientHeader) {
        return refusal(route, clientHeader) == null;
    }

    /** Why the request may not call this route, or null when it may. */
    private static String refusal(Route route, UnaryOperator<String> clientHeader) {
        if (route.clientAuth().isEmpty()) {
            return null;
        }
        Route.ClientAuth auth = route.clientAuth().get();
        String key = presentedKey(route, clientHeader);
        if (key == null) {
            return "this route needs an API key: send it as " + howToSend(route);
        }
        byte[] digest = sha256(key);
        boolean known = false;
        for (byte[] candidate : auth.keyDigests()) {
            // no early exit: every configured key is compared, whatever matches
            known |= MessageDigest.isEqual(candidate, digest);
        }
        return known ? null : "the API key is not valid for this route; send a valid one as " + howToSend(route);
    }

    /**
     * Which of the route's keys (by the order of its digests) the request carries, or -1 for none
     * (or a route without keys); every digest is compared, whatever matches.
     */
    public static int keyIndex(Route route, UnaryOperator<String> clientHeader) {
        String key = presentedKey(route, clientHeader);
        if (key == null) {
            return -1;
        }
        byte[] digest = sha256(key);
        List<byte[]> digests = route.clientAuth().get().keyDigests();
        int found = -1;
        for (int i = 0; i < digests.size(); i++) {
            found = MessageDigest.isEqual(digests.get(i), digest) ? i : found;
        }
        return found;
    }

    /** The key the request presents in one of the route's key headers, or null (also without keys). */
    private static String presentedKey(Route route, UnaryOperator<String> clientHeader) {
        if (route.clientAuth().isEmpty()) {
            return null;
        }
        for (String header : route.clientApi().keyHeaders(route.clientAuth().get().header())) {
            String key = keyOf(header, clientHeader.apply(header));
            if (key != null) {
                return key;
            }
        }
        return null;
    }

    /**
     * The credential the request presents: the route's client key, or on a route without keys what
     * the client sends as {@code Authorization: Bearer} or {@code x-api-key} (its upstream key, say);
     * null when none. What belongs to one client (a stored response) is bound to a digest of it.
     */
    public static String credential(Route route, UnaryOperator<String> clientHeader) {
        if (route.clientAuth().isPresent()) {
            return presentedKey(route, clientHeader);
        }
        String bearer = keyOf("Authorization", clientHeader.apply("Authorization"));
        return bearer != null ? bearer : keyOf("x-api-key", clientHeader.apply("x-api-key"));
    }

    /**
     * The headers the client's key may arrive in (the configured one, and the one its client API
     * sends keys in), which must never reach an upstream; empty for a route without client keys.
     */
    public static List<String> keyHeaders(Route route) {
        return route.clientAuth().map(auth -> route.clientApi().keyHeaders(auth.header()))
                .orElse(List.of());
    }

    private static String keyOf(String header, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (header.equalsIgnoreCase("Authorization")) {
            return value.regionMatches(true, 0, BEARER, 0, BEARER.length()) && value.length() > BEARER.length()
                    ? value.substring(BEARER.length()).trim()
                    : null;
        }
        return value.trim();
    }

    /** How a client sends this route's key, e.g. {@code Authorization: Bearer <key>}; null without keys. */
    public static String howToSend(Route route) {
        return route.clientAuth().map(auth -> String.join(" or ", route.clientApi().keyHeaders(auth.header())
                .stream().map(ClientAuthenticator::how).toList())).orElse(null);
    }

    private static String how(String header) {
        return header.equalsIgnoreCase("Authorization") ? "Authorization: Bearer <key>" : header + ": <key>";
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
