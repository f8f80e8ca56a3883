package dev.mistralgateway.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An assistant message's reasoning, replayed to Mistral in the shape it answered it: Mistral's
 * reasoning docs ask clients to send the whole assistant message back in later turns, its thinking
 * included (dropping it degrades the model's next answers). OpenAI-style clients keep the thinking
 * as {@code reasoning_content} (what the gateway hands them, {@link ContentChunks}) or
 * {@code reasoning}; Mistral's {@code AssistantMessage} has no such field, so it becomes the
 * {@code ThinkChunk} that leads the content: {@code {"type":"thinking","thinking":[{"type":"text",
 * "text":...}],"closed":true}}, the message's text after it. Part of {@link MistralMessages}.
 */
final class ReasoningReplay {

    private ReasoningReplay() {
    }

    /** The assistant's reasoning as the first chunk of its content, what it {@code said} after it. */
    static void apply(ObjectNode assistant, JsonNode said) {
        String reasoning = text(assistant.get("reasoning_content"));
        if (reasoning.isEmpty()) {
            reasoning = text(assistant.get("reasoning"));
        }
        if (reasoning.isEmpty()) {
            return;
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        ArrayNode content = json.arrayNode();
        ObjectNode thinking = content.addObject().put("type", "thinking");
        thinking.putArray("thinking").addObject().put("type", "text").put("text", reasoning);
        thinking.put("closed", true);
        if (said instanceof ArrayNode parts) {
            content.addAll(parts);
        } else if (said != null && said.isTextual() && !said.textValue().isEmpty()) {
            content.addObject().put("type", "text").set("text", said);
        }
        assistant.set("content", content);
    }

    private static String text(JsonNode value) {
        return value != null && value.isTextual() ? value.textValue() : "";
    }
}
