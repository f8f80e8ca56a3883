package dev.mistralgateway.format.openai;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI client that ends its messages with the assistant's words wants the continuation; the
 * gateway sends that message to Mistral as a {@code prefix} ({@link MistralMessages}), and
 * Mistral's answer then starts with the prefix again. This takes it off, whole and streamed, so
 * the client gets only the continuation. A stream's events are matched against the prefix as they
 * come, per choice: text that could still be the prefix is held back (the event goes on with empty
 * content), and the moment the answer departs from it, what was held goes out, so an answer that
 * does not repeat the prefix reaches the client whole. A client that set {@code prefix} itself
 * knows Mistral's way and gets Mistral's answer as it is.
 */
final class PrefixEcho implements AnswerRewrite {

    private final String prefix;
    /** Per choice index: how much of the prefix the stream has matched; -1 once the prefix is behind. */
    private final Map<Integer, Integer> matched = new HashMap<>();

    private PrefixEcho(String prefix) {
        this.prefix = prefix;
    }

    /** The rewrite for this client body, when the gateway is to make its last message a prefix; else null. */
    static PrefixEcho of(ObjectNode clientBody) {
        if (!(clientBody.get("messages") instanceof ArrayNode messages) || messages.isEmpty()
                || !(messages.get(messages.size() - 1) instanceof ObjectNode last)
                || !last.path("role").asText("").equals("assistant") || last.has("tool_calls") || last.has("function_call")
                || last.has("prefix")) {
            return null;
        }
        String text = text(last.get("content"));
        return text.isEmpty() ? null : new PrefixEcho(text);
    }

    private static String text(JsonNode content) {
        if (content instanceof ArrayNode parts) {
            StringBuilder text = new StringBuilder();
            parts.forEach(part -> text.append(part.path("type").asText("").equals("text") ? part.path("text").asText("") : ""));
            return text.toString();
        }
        return content != null && content.isTextual() ? content.textValue() : "";
    }

    @Override
    public boolean answer(JsonNode answer) {
        boolean changed = false;
        for (JsonNode choice : answer.path("choices")) {
            if (choice.get("message") instanceof ObjectNode message && message.path("content").isTextual()
                    && message.get("content").textValue().startsWith(prefix)) {
                message.put("content", message.get("content").textValue().substring(prefix.length()));
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public boolean event(ObjectNode event) {
        boolean changed = false;
        for (JsonNode choice : event.path("choices")) {
            int index = choice.path("index").asInt(0);
            int done = matched.getOrDefault(index, 0);
            if (done < 0 || !(choice.get("delta") instanceof ObjectNode delta) || !delta.path("content").isTextual()) {
                continue;
            }
            String piece = delta.get("content").textValue();
            String rest = prefix.substring(done);
            String out;
            if (piece.startsWith(rest)) {
                out = piece.substring(rest.length());
                matched.put(index, -1);
            } else if (rest.startsWith(piece)) {
                out = "";
                matched.put(index, done + piece.length());
            } else {
                // the answer does not repeat the prefix: what was held back is the answer's too
                out = prefix.substring(0, done) + piece;
                matched.put(index, -1);
            }
            if (!out.equals(piece)) {
                delta.put("content", out);
                changed = true;
            }
        }
        return changed;
    }
}
