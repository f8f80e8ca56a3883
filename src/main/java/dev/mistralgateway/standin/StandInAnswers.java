package dev.mistralgateway.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the stand-in answers to a request Mistral would take, in the shapes of Mistral's chat and
 * fill-in-the-middle endpoints: a {@code chat.completion}, or a stream of
 * {@code chat.completion.chunk} events ending in one with {@code finish_reason} and {@code usage},
 * then {@code [DONE]} (Codestral answers fill-in-the-middle in the chat shape too). The text says
 * where it comes from and what the stand-in received; no model runs.
 */
final class StandInAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Words per streamed event. */
    private static final int WORDS_PER_EVENT = 3;

    private StandInAnswers() {
    }

    /** The answer's text, for a request that passed (checked tells whether it was checked against the spec). */
    static String text(String path, JsonNode request, boolean checked) {
        String verdict = checked ? "Mistral's published schema accepts your request"
                : "your request was not checked against Mistral's schema (the spec file was not found)";
        return "This answer comes from the gateway's dev-mode stand-in of Mistral's API, not from a model: "
                + verdict + " (" + received(path, request) + "). Set MISTRAL_API_KEY and restart dev mode "
                + "for Mistral.ai's answers.";
    }

    /** What the request held, in a few words: its model, and its messages or its prompt and suffix. */
    private static String received(String path, JsonNode request) {
        String model = "model " + request.path("model").asText("(none)");
        if (path.endsWith("/fim/completions")) {
            String suffix = request.path("suffix").isTextual()
                    ? ", a suffix of " + request.path("suffix").asText().length() + " characters"
                    : ", no suffix";
            return model + ", a prompt of " + request.path("prompt").asText("").length() + " characters" + suffix;
        }
        JsonNode messages = request.path("messages");
        String last = messages.isEmpty() ? "" : ", the last from " + messages.get(messages.size() - 1).path("role").asText();
        return model + ", " + messages.size() + (messages.size() == 1 ? " message" : " messages") + last;
    }

    /** A {@code chat.completion} with the text as the assistant's message. */
    static String whole(JsonNode request, String text) {
        ObjectNode answer = head(request, "chat.completion");
        ObjectNode choice = answer.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.putNull("tool_calls");
        message.put("content", text);
        choice.put("finish_reason", "stop");
        answer.set("usage", usage(request, text));
        return answer.toString();
    }

    /** The events of a streamed answer, each {@code data: ...} with its blank line, the last {@code [DONE]}. */
    static List<String> stream(JsonNode request, String text) {
        ObjectNode head = head(request, "chat.completion.chunk");
        List<String> events = new ArrayList<>();
        events.add(event(head, delta(true, ""), null, null));
        String[] words = text.split(" ");
        for (int i = 0; i < words.length; i += WORDS_PER_EVENT) {
            String piece = String.join(" ", List.of(words).subList(i, Math.min(words.length, i + WORDS_PER_EVENT)));
            events.add(event(head, delta(false, i == 0 ? piece : " " + piece), null, null));
        }
        events.add(event(head, delta(false, ""), "stop", usage(request, text)));
        events.add("data: [DONE]\n\n");
        return events;
    }

    private static ObjectNode head(JsonNode request, String object) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("id", UUID.randomUUID().toString().replace("-", ""));
        answer.put("object", object);
        answer.put("created", System.currentTimeMillis() / 1000);
        answer.put("model", request.path("model").asText());
        return answer;
    }

    private static ObjectNode delta(boolean first, String content) {
        ObjectNode delta = JSON.createObjectNode();
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", content);
        return delta;
    }

    private static String event(ObjectNode head, ObjectNode delta, String finishReason, ObjectNode usage) {
        ObjectNode chunk = head.deepCopy();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (usage != null) {
            chunk.set("usage", usage);
        }
        return "data: " + chunk + "\n\n";
    }

    /** Token counts as the usual estimate has them, about four characters a token. */
    private static ObjectNode usage(JsonNode request, String text) {
        long promptChars = 0;
        for (JsonNode message : request.path("messages")) {
            promptChars += contentLength(message.path("content"));
        }
        promptChars += request.path("prompt").asText("").length() + request.path("suffix").asText("").length();
        int prompt = (int) Math.max(1, (promptChars + 3) / 4);
        int completion = Math.max(1, (text.length() + 3) / 4);
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    private static long contentLength(JsonNode content) {
        if (content.isTextual()) {
            return content.asText().length();
        }
        long length = 0;
        for (JsonNode part : content) {
            length += part.path("text").asText("").length();
        }
        return length;
    }
}
