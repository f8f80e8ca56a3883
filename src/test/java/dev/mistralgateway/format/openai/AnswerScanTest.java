package dev.mistralgateway.format.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.testing.Fixtures;

/**
 * The streaming read of a passed-through answer gives what the JSON tree gives (the expected array,
 * the usage, the model), and leaves undecided every answer it cannot read exactly as the tree does.
 */
class AnswerScanTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
            "kong:unit/real-responses/mistral/openai/llm-v1-chat.json",
            "kong:mistral/llm-v1-chat/responses/good.json",
            "kong:mistral/llm-v1-completions/responses/good.json",
            "kong:unit/expected-responses/mistral/openai/llm-v1-chat.json",
            "kong:openai/llm-v1-chat/responses/bad_upstream_response.json",
            "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"2\"}}],\"model\":\"m\","
                    + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}",
            "{\"usage\":{\"prompt_tokens\":3},\"choices\":[],\"model\":7}",
            "{\"choices\":[{\"message\":null},{\"message\":{\"content\":null}},17,[1,{\"a\":[]}]],\"usage\":null}",
            "{\"choices\":{},\"usage\":{\"completion_tokens\":4},\"model\":\"m\"}",
            "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,0.2],\"index\":0}],\"usage\":{\"prompt_tokens\":2,"
                    + "\"completion_tokens\":0,\"total_tokens\":2}}",
            "{\"choices\":[{\"delta\":{\"content\":[1]},\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}]} trailing",
            "{\"model\":\"\\u00e9\\n\\\"\",\"choices\":[{\"message\":{\"content\":\"\\ud83d\\ude00\"}}],\"extra\":{\"model\":[]}}" })
    void readsWhatTheTreeReads(String source) throws Exception {
        byte[] answer = bytes(source);
        JsonNode tree = mapper.readTree(answer);
        for (String expected : new String[] { "choices", "data" }) {
            AnswerScan.Read read = AnswerScan.of(mapper, answer, expected);
            assertNotNull(read, source);
            assertEquals(tree.path(expected).isArray(), read.expectedIsArray(), source);
            assertEquals(OpenAiFormat.usageOf(tree), read.usage(), source);
            assertEquals(tree.path("model").isTextual() ? tree.get("model").textValue() : null, read.model(), source);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "[1,2]",
            "\"text\"",
            "{\"choices\":[",
            "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"2\"}]}}]}",
            "{\"choices\":[],\"choices\":{}}",
            "{\"choices\":[],\"model\":\"a\",\"model\":\"b\"}",
            "{\"choices\":[],\"usage\":{},\"usage\":{\"prompt_tokens\":1}}",
            "{\"choices\":[{\"message\":{\"content\":\"a\",\"content\":[]}}]}",
            "{\"choices\":[{\"message\":{\"content\":\"a\"},\"message\":{\"content\":[]}}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":2}}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":2}}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":\"2\"}}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":-1}}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":123456789012345678901234567890}}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":2}}" })
    void leavesToTheTreeWhatItCannotReadAlike(String answer) {
        assertNull(AnswerScan.of(mapper, answer.getBytes(StandardCharsets.UTF_8), "choices"), answer);
    }

    private static byte[] bytes(String source) {
        String text = source.startsWith("kong:") ? Fixtures.kong(source.substring(5)) : source;
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
