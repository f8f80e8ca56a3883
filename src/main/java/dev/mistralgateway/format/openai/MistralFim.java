package dev.mistralgateway.format.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.mistralgateway.answers.TextCompletion;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;

/**
 * Codestral's fill-in-the-middle endpoint ({@code /v1/fim/completions}) behind an OpenAI
 * completions route: the request is OpenAI's ({@code prompt}, {@code suffix}), the answer is
 * chat-shaped ({@code choices[].message.content}, streamed as {@code delta.content}), and the
 * client gets OpenAI's {@code text_completion} ({@code choices[].text}).
 */
final class MistralFim {

    private static final String PATH = "/fim/completions";

    private MistralFim() {
    }

    /** Whether this target is a fill-in-the-middle endpoint: a completions route to {@code .../fim/completions}. */
    static boolean serves(Target target) {
        return target.routeType() == RouteType.COMPLETIONS && target.upstreamUrl() != null
                && target.upstreamUrl().getPath() != null && target.upstreamUrl().getPath().endsWith(PATH);
    }

    /** A whole chat-shaped answer, or one chunk of a stream, as a {@code text_completion}. */
    static TextCompletion textCompletion(JsonNode answer) {
        List<TextCompletion.Choice> choices = new ArrayList<>();
        for (JsonNode choice : answer.path("choices")) {
            JsonNode said = choice.has("message") ? choice.path("message") : choice.path("delta");
            JsonNode finish = choice.get("finish_reason");
            choices.add(new TextCompletion.Choice(choice.path("index").asInt(choices.size()), text(said.get("content")),
                    null, finish != null && finish.isTextual() ? finish.textValue() : null));
        }
        return new TextCompletion(answer.path("id").asText(null), TextCompletion.OBJECT, answer.path("created").asLong(0),
                answer.path("model").asText(null), choices, OpenAiFormat.usageOf(answer));
    }

    private static String text(JsonNode content) {
        if (content instanceof ArrayNode chunks) {
            return ContentChunks.split(chunks).text();
        }
        return content == null || content.isNull() ? "" : content.asText("");
    }
}
