package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front door's authorization, the gateway's own client keys, and what the gateway is told of the first. */
class FrontDoorAuthTest {

    /** SHA-256 of "client-key", as the gateway wants client keys configured. */
    private static final String KEYS = "AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256="
            + "8eb943e7040b69a94bf39562088223755bff4c2e7c5fc257f1e08f870fe01d35\n";

    @TempDir
    Path dir;

    private String frontDoorAuth(Synth synth) {
        return String.valueOf(Synth.variables(synth.template()).get("AI_PROXY_FRONT_DOOR_AUTH"));
    }

    @Test
    void theGatewayIsToldHowTheFrontDoorAuthorizes() {
        assertEquals("iam", frontDoorAuth(new Synth(dir)));
        assertEquals("jwt", frontDoorAuth(new Synth(dir).context("auth", "jwt")
                .context("jwtIssuer", "https://example.eu.auth0.com/").context("jwtAudience", "gateway")));
        assertEquals("none", frontDoorAuth(new Synth(dir).context("auth", "none").context("allowPublicAccess", "true")));
        assertEquals("iam", frontDoorAuth(new Synth(dir).context("frontDoor", "url-stream")));
        assertEquals("none", frontDoorAuth(new Synth(dir).context("frontDoor", "rest-stream")
                .context("auth", "none").context("allowPublicAccess", "true")));
    }

    @Test
    void gatewayEnvCannotClaimAnotherAuthorizationThanTheFrontDoorHas() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir)
                .env(Synth.SEED_ENV + "AI_PROXY_FRONT_DOOR_AUTH=none\n").stack());
        assertEquals("AI_PROXY_FRONT_DOOR_AUTH=none in gateway.env, but the front door authorizes with iam (-c auth): "
                + "the stack sets this variable from -c auth; remove it from gateway.env", e.getMessage());
        // the same value is no contradiction
        assertEquals("iam", frontDoorAuth(new Synth(dir).env(Synth.SEED_ENV + "AI_PROXY_FRONT_DOOR_AUTH=IAM\n")));
    }

    @Test
    void clientKeysInTheAuthorizationHeaderAreRefusedBehindIamOrJwt() {
        var iam = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env(Synth.SEED_ENV + KEYS).stack());
        assertTrue(
                iam.getMessage().startsWith("AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256 is set, so the gateway wants a client "
                        + "key in the Authorization header (AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER, default Authorization); with auth=iam "
                        + "that header carries the caller's SigV4 signature, so every request would get 401."),
                iam.getMessage());
        assertTrue(iam.getMessage().contains("add AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER=X-Api-Key to gateway.env"),
                iam.getMessage());

        var jwt = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("auth", "jwt")
                .context("jwtIssuer", "https://example.eu.auth0.com/").context("jwtAudience", "gateway")
                .env(Synth.SEED_ENV + KEYS + "AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER=authorization\n").stack());
        assertTrue(jwt.getMessage().contains("with auth=jwt that header carries the caller's JWT"), jwt.getMessage());

        // x-api-key is the REST API's own header for its API keys: another name is suggested there
        var rest = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("frontDoor", "rest-stream")
                .env(Synth.SEED_ENV + KEYS).stack());
        assertTrue(rest.getMessage().contains("add AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER=X-Gateway-Key to gateway.env"),
                rest.getMessage());
    }

    @Test
    void clientKeysInAnotherHeaderOrBehindAPublicFrontDoorAreFine() {
        for (Synth synth : List.of(
                new Synth(dir).env(Synth.SEED_ENV + KEYS + "AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER=X-Api-Key\n"),
                new Synth(dir).env(Synth.SEED_ENV + KEYS).context("auth", "none").context("allowPublicAccess", "true"),
                // a header named without keys checks nothing
                new Synth(dir).env(Synth.SEED_ENV + "AI_PROXY_ROUTES_0__CLIENT_AUTH_HEADER=Authorization\n"),
                // an empty list of keys is no key (the gateway skips empty digests)
                new Synth(dir).env(Synth.SEED_ENV + "AI_PROXY_ROUTES_0__CLIENT_AUTH_KEY_SHA256= , \n"))) {
            synth.template();
        }
    }
}
