package dev.mistralgateway.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.template.Template.Source;

/** Kong's templates resolved against one request's values: a row per case, what it gives or why it is a 400. */
class TemplateTest {

    /** The request: header x-model, query parameter model, capture model; each value as the row gives it. */
    private static Template.Values request(String value) {
        Map<Source, Map<String, String>> values = Map.of(
                Source.HEADERS, Map.of("x-model", value),
                Source.QUERY_PARAMS, Map.of("model", value),
                Source.URI_CAPTURES, Map.of("model", value));
        return (source, name) -> values.get(source).get(name);
    }

    @ParameterizedTest(name = "{0} with {1} gives {2}")
    @CsvSource(delimiter = '|', value = {
            "$(headers.x-model)                        | mistral-small-latest | mistral-small-latest",
            "$(query_params.model)                     | codestral-2508       | codestral-2508",
            "$(uri_captures.model)                     | ministral-8b         | ministral-8b",
            "mistral-$(headers.x-model)-latest         | small                | mistral-small-latest",
            "http://h:8080/$(uri_captures.model)/chat  | m1                   | http://h:8080/m1/chat",
            "ft:open-mistral-7b:$(headers.x-model)     | a1b2@v.1+x~y_z       | ft:open-mistral-7b:a1b2@v.1+x~y_z",
            "no template                               | x                    | no template" })
    void aTemplateResolvesToTheRequestsValue(String configured, String value, String expected) {
        assertEquals(expected, Template.parse(configured).resolve(request(value)));
    }

    @ParameterizedTest(name = "{1} is refused")
    @CsvSource(delimiter = '|', value = {
            "$(headers.x-model)     | ../admin",
            "$(headers.x-model)     | a/b",
            "$(query_params.model)  | a%2Fb",
            "$(query_params.model)  | ..",
            "$(query_params.model)  | a..b",
            "$(uri_captures.model)  | a b",
            "$(headers.x-model)     | a?b=c",
            "$(headers.x-model)     | a#b",
            "$(headers.x-model)     | a\\b" })
    void aValueAModelNameOrPathMayNotHoldIsA400NamingTheTemplate(String configured, String value) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> Template.parse(configured).resolve(request(value)));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().startsWith("template " + configured.trim() + " resolves to a value"),
                refused.getMessage());
        assertFalse(value.length() > 2 && refused.getMessage().contains(value), "the client's value is not echoed");
    }

    @ParameterizedTest(name = "control character {0} is refused")
    @CsvSource({ "0", "9", "10", "13", "127" })
    void aControlCharacterIsA400(int code) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> Template.parse("$(headers.x-model)").resolve(request("a" + (char) code + "b")));
        assertEquals(400, refused.status());
    }

    @ParameterizedTest(name = "{0} resolves to nothing")
    @CsvSource(delimiter = '|', value = {
            "$(headers.x-other)     | header x-other",
            "$(query_params.other)  | query parameter other",
            "$(uri_captures.other)  | capture 'other' in its path" })
    void aMissingValueIsA400NamingTheTemplateAndWhatIsMissing(String configured, String missing) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> Template.parse(configured).resolve(request("x")));
        assertEquals(400, refused.status());
        assertEquals("template " + configured.trim() + " resolves to nothing: this request has no " + missing,
                refused.getMessage());
    }

    @ParameterizedTest(name = "{0} with an empty value resolves to nothing")
    @CsvSource({ "$(headers.x-model)", "$(query_params.model)", "$(uri_captures.model)" })
    void anEmptyValueIsA400(String configured) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> Template.parse(configured).resolve(request("")));
        assertTrue(refused.getMessage().contains("resolves to nothing"), refused.getMessage());
    }

    @ParameterizedTest(name = "{0} is a start-up error")
    @CsvSource(delimiter = '|', value = {
            "$(cookies.model)      | reads from 'cookies'",
            "$(headers.x-model     | is not a template",
            "$(model)              | is not a template" })
    void aTemplateKongDoesNotHaveIsRefusedAtStartUp(String configured, String message) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Template.parse(configured));
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
    }
}
