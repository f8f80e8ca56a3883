package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The file format alone: no CDK, no jsii. */
class DotEnvTest {

    @Test
    void readsAssignmentsSkippingCommentsAndBlankLinesAndUnquoting() {
        List<DotEnv.Line> lines = DotEnv.parse("gateway.env", List.of(
                "# comment", "", "A=1", "export B = \"two words\"", "C='x#y'", "D="));
        assertEquals(List.of("A", "B", "C", "D"), lines.stream().map(DotEnv.Line::name).toList());
        assertEquals(List.of("1", "two words", "x#y", ""), lines.stream().map(DotEnv.Line::value).toList());
        assertEquals(4, lines.get(1).number());
    }

    @Test
    void refusesMalformedLinesAndDuplicates() {
        var bad = assertThrows(IllegalArgumentException.class, () -> DotEnv.parse("gateway.env", List.of("A=1", "oops")));
        assertTrue(bad.getMessage().startsWith("gateway.env line 2: expected NAME=value"), bad.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> DotEnv.parse("gateway.env", List.of("A=1", "A=2")));
        assertEquals("gateway.env line 2 (A): set twice", twice.getMessage());
    }

    @Test
    void pathsMustBeExactAndUnique() {
        var twice = assertThrows(IllegalArgumentException.class, () -> GatewayEnv.of(DotEnv.parse("gateway.env", List.of(
                "AI_PROXY_ROUTES_0__PATHS=/a", "AI_PROXY_ROUTES_1__PATHS=/b,/a"))));
        assertTrue(twice.getMessage().contains("path /a is configured twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatewayEnv.of(DotEnv.parse("gateway.env", List.of(
                "AI_PROXY_ROUTES_0__PATHS=mistral-chat"))));
    }
}
