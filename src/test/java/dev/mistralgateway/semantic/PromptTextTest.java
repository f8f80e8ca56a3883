package dev.mistralgateway.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What of a request the semantic algorithm embeds. */
class PromptTextTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String of(String json) throws Exception {
        return PromptText.of((ObjectNode) MAPPER.readTree(json));
    }

    @Test
    void aChatsUserTextAloneInItsOrder() throws Exception {
        assertEquals("fix my loop\nit still fails", of("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"fix my loop"},
                {"role":"assistant","content":"try this"},
                {"role":"user","content":[{"type":"text","text":"it still fails"},{"type":"image_url","image_url":"x"}]}]}
                """));
    }

    @Test
    void aCompletionsPromptAndAnEmbeddingsInput() throws Exception {
        assertEquals("def fib(", of("{\"prompt\":\"def fib(\"}"));
        assertEquals("a\nb", of("{\"input\":[\"a\",\"b\"]}"));
        assertEquals("", of("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}"));
    }
}
