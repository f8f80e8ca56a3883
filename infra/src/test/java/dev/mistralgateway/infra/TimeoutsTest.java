package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Template;

/**
 * The gateway's upstream timeouts default to 60 s; the HTTP API ends a request after 30. Unless the
 * gateway gives up first, a slow upstream ends in API Gateway's own 503, never in the gateway's 504.
 */
class TimeoutsTest {

    private static final String READ_0 = "AI_PROXY_ROUTES_0__BALANCER_READ_TIMEOUT";
    private static final String CONNECT_0 = "AI_PROXY_ROUTES_0__BALANCER_CONNECT_TIMEOUT";

    @TempDir
    Path dir;

    private static Map<String, Object> variables(GatewayStack stack) {
        return Synth.variables(Template.fromStack(stack));
    }

    @Test
    void behindTheHttpApiEveryRouteGivesUpBeforeApiGatewayDoes() {
        GatewayStack stack = new Synth(dir).env(Synth.SEED_ENV + """
                AI_PROXY_ROUTES_1__PATHS=/other
                """).stack();
        Map<String, Object> variables = variables(stack);
        // per attempt: 3 s to connect, then 25 s of silence at most; 2 s are left to answer within the 30 s
        for (int route : List.of(0, 1)) {
            assertEquals("25000", variables.get("AI_PROXY_ROUTES_" + route + "__BALANCER_READ_TIMEOUT"), variables.toString());
            assertEquals("3000", variables.get("AI_PROXY_ROUTES_" + route + "__BALANCER_CONNECT_TIMEOUT"),
                    variables.toString());
        }
        assertTrue(Synth.warnings(stack).isEmpty(), Synth.warnings(stack).toString());
    }

    @Test
    void theBudgetIsTheShorterOfTheFunctionTimeoutAndTheHttpApisThirtySeconds() {
        Map<String, Object> short10 = variables(new Synth(dir).context("timeout", "10").stack());
        assertEquals("8000", short10.get(READ_0));
        assertEquals("1000", short10.get(CONNECT_0));
        // a longer function timeout buys nothing: the HTTP API still ends the request at 30 s
        Map<String, Object> long60 = variables(new Synth(dir).context("timeout", 60).stack());
        assertEquals("25000", long60.get(READ_0));
        assertEquals("3000", long60.get(CONNECT_0));
    }

    @Test
    void aValueGatewayEnvSetsIsKeptAndOnlyTheOtherIsSet() {
        Map<String, Object> variables = variables(new Synth(dir).env(Synth.SEED_ENV + READ_0 + "=12000\n").stack());
        assertEquals("12000", variables.get(READ_0));
        assertEquals("3000", variables.get(CONNECT_0));
    }

    @Test
    void aValueTheRoutesConfigBlockSetsIsNotOverridden() {
        // a variable of the route wins over its block: setting one here would silently undo the block's
        Map<String, Object> variables = variables(new Synth(dir).env(KongConfigTest.ADVANCED
                .replace("targets:\n", "balancer:\n  read_timeout: 20000\ntargets:\n")).stack());
        assertNull(variables.get(READ_0), variables.toString());
        assertEquals("3000", variables.get(CONNECT_0));
    }

    @Test
    void aValueNotShorterThanTheRequestsTimeIsWarnedAbout() {
        GatewayStack stack = new Synth(dir).env(Synth.SEED_ENV + READ_0 + "=60000\n" + CONNECT_0 + "=30000\n").stack();
        List<String> warnings = Synth.warnings(stack);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith(READ_0 + " is 60000 ms, not shorter than the 30 s a request has behind the "
                + "HTTP API (the function timeout, at most 30 s): a slow or unreachable upstream then ends in an error of "
                + "API Gateway's own (503 {\"message\":\"Service Unavailable\"}), not in the gateway's 504, and without failover."),
                warnings.get(0));
        assertTrue(warnings.get(0).contains("Leave it unset (the stack then sets 25000) or make it shorter"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith(CONNECT_0 + " is 30000 ms"), warnings.get(1));
        // kept as written: it is a warning, not a refusal
        assertEquals("60000", variables(stack).get(READ_0));

        GatewayStack inBlock = new Synth(dir).env(KongConfigTest.ADVANCED
                .replace("targets:\n", "balancer:\n  read_timeout: 45000\ntargets:\n")).stack();
        assertEquals(1, Synth.warnings(inBlock).size(), Synth.warnings(inBlock).toString());
        assertTrue(Synth.warnings(inBlock).get(0).startsWith("balancer.read_timeout of AI_PROXY_ROUTES_0__CONFIG is 45000 ms, "
                + "not shorter than the 30 s a request has behind the HTTP API"), Synth.warnings(inBlock).get(0));
    }

    @Test
    void streamingFrontDoorsKeepTheGatewaysDefaultsWhenTheFunctionOutlastsThem() {
        Map<String, Object> defaults = variables(new Synth(dir).context("frontDoor", "rest-stream").stack());
        assertFalse(defaults.containsKey(READ_0), defaults.toString());
        assertFalse(defaults.containsKey(CONNECT_0), defaults.toString());

        // a function timeout under the gateway's 60 s: fitted as behind the HTTP API, to the function's timeout
        Map<String, Object> short40 = variables(
                new Synth(dir).context("frontDoor", "url-stream").context("timeout", "40").stack());
        assertEquals("35000", short40.get(READ_0));
        assertEquals("3000", short40.get(CONNECT_0));

        GatewayStack tooLong = new Synth(dir).context("frontDoor", "rest-stream").env(Synth.SEED_ENV + READ_0 + "=400000\n")
                .stack();
        assertEquals(1, Synth.warnings(tooLong).size(), Synth.warnings(tooLong).toString());
        assertTrue(Synth.warnings(tooLong).get(0).startsWith(READ_0 + " is 400000 ms, not shorter than the function timeout "
                + "(300 s): Lambda ends the function first,"), Synth.warnings(tooLong).get(0));
        assertTrue(
                Synth.warnings(tooLong).get(0)
                        .contains("Leave it unset (the gateway's default, 60000, fits) or make it shorter."),
                Synth.warnings(tooLong).get(0));
    }
}
