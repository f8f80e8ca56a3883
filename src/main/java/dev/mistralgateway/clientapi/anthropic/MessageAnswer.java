package dev.mistralgateway.clientapi.anthropic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.format.TransformationException;
import dev.mistralgateway.route.RouteType;

/**
 * A {@code chat.completion} as Anthropic's {@code Message}: the reasoning as a thinking block
 * first, then the text, then a {@code tool_use} block per tool call with its id as the upstream
 * format gave it (so the client's next turn sends back the id the format maps).
 */
final class MessageAnswer {

    private static final String SUFFIX = " to Anthropic's Messages API";

    private final ObjectMapper mapper;

    MessageAnswer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    AnthropicMessage fromChat(byte[] chatAnswer, JsonNode clientBody) {
        JsonNode chat;
        try {
            chat = mapper.readTree(chatAnswer);
        } catch (IOException e) {
            throw untranslatable("the chat answer is not JSON");
        }
        JsonNode choice = chat == null ? null : chat.path("choices").path(0);
        if (choice == null || !choice.isObject()) {
            throw untranslatable("the chat answer has no choice");
        }
        JsonNode message = choice.path("message");
        List<AnthropicMessage.Block> content = new ArrayList<>();
        String reasoning = message.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            content.add(AnthropicMessage.Thinking.of(reasoning));
        }
        String text = text(message.get("content"));
        if (!text.isEmpty()) {
            content.add(AnthropicMessage.Text.of(text));
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            content.add(AnthropicMessage.ToolUse.of(call.path("id").asText(Ids.toolCall()),
                    function.path("name").asText(""), input(function.get("arguments"))));
        }
        boolean toolCalls = content.stream().anyMatch(AnthropicMessage.ToolUse.class::isInstance);
        String matched = StopAndUsage.matchedStop(choice, clientBody);
        String stopReason = StopAndUsage.stopReason(choice.path("finish_reason").textValue(), toolCalls, matched);
        AnthropicMessage.Usage usage = StopAndUsage.usage(chat.get("usage"));
        return new AnthropicMessage(Ids.next("msg_"), AnthropicMessage.TYPE, "assistant", modelOf(chat, clientBody),
                content, stopReason, stopReason.equals("stop_sequence") ? matched : null,
                usage != null ? usage : new AnthropicMessage.Usage(0, 0, null, null));
    }

    /** The model the upstream says answered, else the one the client asked for. */
    static String modelOf(JsonNode chat, JsonNode clientBody) {
        String model = chat.path("model").asText("");
        return model.isEmpty() ? clientBody.path("model").asText("") : model;
    }

    /** Content as a string, or as text chunks (an upstream the format passed through as it came). */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText("").equals("text")) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    /**
     * A tool call's arguments as the input object Anthropic's clients expect. Arguments that are
     * no JSON object (a small model's slip) are kept, as {@code raw_arguments}, rather than lost.
     */
    JsonNode input(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (arguments.isObject()) {
            return arguments;
        }
        String raw = arguments.asText("");
        if (raw.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode parsed = mapper.readTree(raw);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException e) {
            // kept as it came, below
        }
        return JsonNodeFactory.instance.objectNode().put("raw_arguments", raw);
    }

    private static TransformationException untranslatable(String reason) {
        return new TransformationException(RouteType.CHAT, SUFFIX, reason);
    }
}
