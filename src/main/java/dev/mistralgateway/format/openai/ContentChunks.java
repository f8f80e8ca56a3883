package dev.mistralgateway.format.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mistral's reasoning models (Magistral) answer {@code content} as an array of chunks: a
 * {@code thinking} chunk ({@code ThinkChunk}, its text in {@code thinking[].text}) and
 * {@code text} chunks ({@code TextChunk}). OpenAI clients expect {@code content} to be a string, and
 * most OpenAI-compatible ones read the thinking from {@code reasoning_content}; this is that
 * translation, for whole answers and for stream events.
 */
final class ContentChunks {

    /** The answer's text (the {@code text} chunks joined) and its thinking (empty when none). */
    record Split(String text, String thinking) {
    }

    private ContentChunks() {
    }

    static Split split(ArrayNode content) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        for (JsonNode chunk : content) {
            switch (chunk.path("type").asText("")) {
                case "text" -> text.append(chunk.path("text").asText(""));
                case "thinking" -> chunk.path("thinking").forEach(part -> {
                    if (part.path("type").asText("text").equals("text")) {
                        thinking.append(part.path("text").asText(""));
                    }
                });
                default -> {
                    // references and other chunk kinds have no place in the OpenAI shape
                }
            }
        }
        return new Split(text.toString(), thinking.toString());
    }

    /** Rewrites each choice's {@code message} whose content is chunks; whether any was. */
    static boolean flattenAnswer(JsonNode answer) {
        return flattenEach(answer, "message");
    }

    /**
     * Each choice's {@code message} or {@code delta} whose content is chunks gets the text as
     * {@code content} and the thinking as {@code reasoning_content}; whether any did.
     */
    private static boolean flattenEach(JsonNode answer, String part) {
        boolean changed = false;
        for (JsonNode choice : answer.path("choices")) {
            if (choice.get(part) instanceof ObjectNode holder && holder.get("content") instanceof ArrayNode chunks) {
                Split split = split(chunks);
                holder.put("content", split.text());
                if (!split.thinking().isEmpty()) {
                    holder.put("reasoning_content", split.thinking());
                }
                changed = true;
            }
        }
        return changed;
    }

    /**
     * A stream event whose {@code delta.content} is chunks, as the events the client gets: the
     * thinking as {@code delta.reasoning_content} first, then the text as {@code delta.content},
     * two events when one upstream event carries both. Empty when no delta holds chunks.
     */
    static List<ObjectNode> flattenEvent(ObjectNode event) {
        JsonNode choices = event.path("choices");
        if (choices.size() > 1) {
            // several choices (n > 1) in one event: each delta gets both fields in place
            return flattenEach(event, "delta") ? List.of(event) : List.of();
        }
        if (choices.size() != 1 || !(choices.get(0).path("delta") instanceof ObjectNode delta)
                || !(delta.get("content") instanceof ArrayNode chunks)) {
            return List.of();
        }
        Split split = split(chunks);
        if (split.thinking().isEmpty() || split.text().isEmpty()) {
            delta.remove("content");
            if (!split.thinking().isEmpty()) {
                delta.put("reasoning_content", split.thinking());
            } else {
                delta.put("content", split.text());
            }
            return List.of(event);
        }
        ObjectNode thinkingEvent = event.deepCopy();
        thinkingEvent.remove("usage");
        ObjectNode thinkingChoice = (ObjectNode) thinkingEvent.path("choices").get(0);
        thinkingChoice.putNull("finish_reason");
        ObjectNode thinkingDelta = (ObjectNode) thinkingChoice.get("delta");
        thinkingDelta.retain("role");
        thinkingDelta.put("reasoning_content", split.thinking());
        delta.remove("role");
        delta.put("content", split.text());
        return List.of(thinkingEvent, event);
    }
}
