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

    /** The project README's "Pasting a Kong plugin configuration" block, as it stands there. */
    private static final String README_CONFIG_BLOCK = """
            AI_PROXY_ROUTES_0__PATHS=/mistral-chat
            AI_PROXY_ROUTES_0__CONFIG='
            targets:
            - route_type: "llm/v1/chat"
              auth:
                header_name: "Authorization"
                header_value: "Bearer {{secretsmanager:mistral/api-key}}"
              model:
                provider: mistral
                name: "mistral-tiny"
                options:
                  mistral_format: openai
                  upstream_url: "https://api.mistral.ai/v1/chat/completions"
            '
            AI_PROXY_ROUTES_0__NAME=after-the-block
            """;

    @Test
    void aQuotedValueMaySpanLinesAsTheReadmesKongBlockDoes() {
        List<DotEnv.Line> lines = DotEnv.parse("gateway.env", README_CONFIG_BLOCK.lines().toList());
        assertEquals(List.of("AI_PROXY_ROUTES_0__PATHS", "AI_PROXY_ROUTES_0__CONFIG", "AI_PROXY_ROUTES_0__NAME"),
                lines.stream().map(DotEnv.Line::name).toList());
        String block = lines.get(1).value();
        // every line as written, indentation kept (YAML needs it), between the two quotes
        assertTrue(block.startsWith("\ntargets:\n- route_type: \"llm/v1/chat\"\n  auth:\n    header_name: \"Authorization\"\n"),
                block);
        assertTrue(block.endsWith("      upstream_url: \"https://api.mistral.ai/v1/chat/completions\"\n"), block);
        assertEquals(2, lines.get(1).number(), "errors point at the line the value starts on");
        assertEquals("after-the-block", lines.get(2).value());
        assertEquals(15, lines.get(2).number());
        // and its key reference is resolved like any other value's
        assertTrue(GatewayEnv.of(lines).variables().get("AI_PROXY_ROUTES_0__CONFIG")
                .contains("header_value: \"Bearer {{resolve:secretsmanager:mistral/api-key:SecretString}}\""));
    }

    @Test
    void doubleQuotesSpanLinesTooAndTakeTheShellsEscapes() {
        List<DotEnv.Line> lines = DotEnv.parse("gateway.env", List.of(
                "JSON=\"{", "  \\\"targets\\\": [],", "  \\\"dollar\\\": \\\"\\$HOME \\\\ \\n\\\"", "}\"",
                "ESCAPED_END=\"a", "b\\\"", "\"", "NEXT=1"));
        assertEquals(List.of("JSON", "ESCAPED_END", "NEXT"), lines.stream().map(DotEnv.Line::name).toList());
        // \" \\ \$ become " \ $, as in a shell; any other backslash stays
        assertEquals("{\n  \"targets\": [],\n  \"dollar\": \"$HOME \\ \\n\"\n}", lines.get(0).value());
        // an escaped quote at a line's end does not close the value
        assertEquals("a\nb\"\n", lines.get(1).value());
        // one line, as before: single quotes take everything as written
        assertEquals("a\\\"b", DotEnv.parse("gateway.env", List.of("A='a\\\"b'")).get(0).value());
    }

    @Test
    void aQuoteNeverClosedIsRefusedNamingWhereItOpened() {
        var e = assertThrows(IllegalArgumentException.class, () -> DotEnv.parse("gateway.env", List.of(
                "A=1", "AI_PROXY_ROUTES_0__CONFIG='", "targets:", "- route_type: llm/v1/chat")));
        assertEquals("gateway.env line 2 (AI_PROXY_ROUTES_0__CONFIG): the quote (') that opens the value is never closed; "
                + "a quoted value ends at the first line that ends with the same quote", e.getMessage());
    }

    @Test
    void aBlockClosedTooEarlySaysWhy() {
        // single quotes inside a single-quoted block: the value ends on the first line ending with one
        var e = assertThrows(IllegalArgumentException.class, () -> DotEnv.parse("gateway.env", List.of(
                "AI_PROXY_ROUTES_0__CONFIG='", "targets:", "- route_type: 'llm/v1/chat'", "  model:", "'")));
        assertTrue(e.getMessage().startsWith("gateway.env line 4: expected NAME=value, got: model:"), e.getMessage());
        assertTrue(e.getMessage().contains("the quoted value of AI_PROXY_ROUTES_0__CONFIG (line 1) ended on line 3"),
                e.getMessage());
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
