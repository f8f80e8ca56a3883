package dev.mistralgateway.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.testing.Json;

/** Where each format's usage says its cached prompt tokens, a row per spelling, and what chat clients then read. */
class CachedTokensTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"prompt_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":4}}  | 4",
            "{\"prompt_tokens\":9,\"prompt_token_details\":{\"cached_tokens\":5}}   | 5",
            "{\"prompt_tokens\":9,\"num_cached_tokens\":6}                          | 6",
            "{\"prompt_tokens\":9,\"num_cached_tokens\":null}                       | ",
            "{\"prompt_tokens\":9,\"prompt_tokens_details\":null}                   | ",
            "{\"prompt_tokens\":9}                                                  | " })
    void eachSpellingIsRead(String usage, Long expected) {
        assertEquals(expected, CachedTokens.of(Json.tree(usage)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"num_cached_tokens\":6}                           | {\"num_cached_tokens\":6,\"prompt_tokens_details\":{\"cached_tokens\":6}}",
            "{\"prompt_token_details\":{\"cached_tokens\":5}}    | {\"prompt_token_details\":{\"cached_tokens\":5},\"prompt_tokens_details\":{\"cached_tokens\":5}}",
            "{\"prompt_tokens_details\":{\"audio_tokens\":0},\"num_cached_tokens\":2} | {\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":2},\"num_cached_tokens\":2}",
            "{\"prompt_tokens_details\":{\"cached_tokens\":4}}   | {\"prompt_tokens_details\":{\"cached_tokens\":4}}",
            "{\"prompt_tokens\":1}                               | {\"prompt_tokens\":1}" })
    void chatClientsReadThemInOpenAisWords(String usage, String expected) {
        JsonNode answer = Json.tree("{\"usage\":" + usage + "}");
        boolean changed = CachedTokens.inOpenAiWords(answer);
        // as the client reads it: the same JSON text (a long and an int of one value are one number there)
        assertEquals(Json.tree(expected).toString(), answer.get("usage").toString());
        assertEquals(!usage.equals(expected), changed);
    }
}
