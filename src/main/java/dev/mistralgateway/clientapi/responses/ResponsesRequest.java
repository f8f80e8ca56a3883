package dev.mistralgateway.clientapi.responses;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;

/**
 * OpenAI's Responses request ({@code CreateResponse}) as a chat-completions request. Each field
 * either maps to its chat counterpart, or needs state this gateway does not keep and is refused
 * with what to send instead, or has no counterpart and is left out on purpose (never forwarded,
 * since Mistral's schema refuses unknown fields). The Responses table of docs/client-apis.md lists the same.
 */
final class ResponsesRequest {

    /** Fields with no counterpart on a chat request: read (some are echoed in the answer), not forwarded. */
    static final List<String> NOT_FORWARDED = List.of("store", "include", "metadata", "service_tier", "truncation",
            "user", "safety_identifier", "prompt_cache_retention", "top_logprobs", "max_tool_calls", "stream_options",
            "context_management", "moderation", "text.verbosity", "reasoning.summary");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ResponsesRequest() {
    }

    /**
     * @param notStoredBecause why this gateway stores no responses, or null when it does: then a
     *        {@code previous_response_id} has been resolved ({@link StoredResponses}) before, its
     *        history is in {@code input}, and the field is only echoed
     */
    static ObjectNode toChat(JsonNode body, String notStoredBecause) {
        if (!body.isObject()) {
            throw GatewayException.badRequest("send a JSON object with 'model' and 'input' (OpenAI's Responses API)");
        }
        refuseState(body, notStoredBecause);
        ObjectNode chat = JSON.objectNode();
        copy(body, "model", chat, "model");
        chat.set("messages", InputItems.messages(body));
        ResponsesTools.apply(body, chat);
        copy(body, "temperature", chat, "temperature");
        copy(body, "top_p", chat, "top_p");
        copy(body, "parallel_tool_calls", chat, "parallel_tool_calls");
        copy(body, "max_output_tokens", chat, "max_tokens");
        // Mistral's chat request takes a prompt cache key under the same name
        copy(body, "prompt_cache_key", chat, "prompt_cache_key");
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull()) {
            chat.set("stream", stream);
            if (stream.asBoolean(false)) {
                // OpenAI-compatible servers report usage at a stream's end only when asked
                chat.putObject("stream_options").put("include_usage", true);
            }
        }
        JsonNode effort = body.path("reasoning").path("effort");
        if (effort.isTextual()) {
            // the format and Mistral's hygiene map OpenAI's levels to what the target takes
            chat.put("reasoning_effort", effort.textValue());
        }
        JsonNode format = body.path("text").path("format");
        if (format.isObject()) {
            chat.set("response_format", responseFormat(format));
        }
        return chat;
    }

    /** What needs a stored conversation or prompt, or a stored response where this gateway stores none. */
    private static void refuseState(JsonNode body, String notStoredBecause) {
        if (body.hasNonNull("previous_response_id") && notStoredBecause != null) {
            throw GatewayException.badRequest("'previous_response_id' needs the earlier response, and this gateway "
                    + "stores none (" + notStoredBecause + "): send the whole conversation in 'input' (the earlier "
                    + "input items and the earlier response's output items, then the new ones), and leave "
                    + "previous_response_id out");
        }
        if (body.hasNonNull("conversation")) {
            throw GatewayException.badRequest("'conversation' needs a conversation stored at OpenAI, and this gateway "
                    + "keeps no state: send the whole conversation in 'input'");
        }
        if (body.hasNonNull("prompt")) {
            throw GatewayException.badRequest("'prompt' refers to a prompt template stored at OpenAI: send its text "
                    + "as 'instructions' and 'input'");
        }
        if (body.path("background").asBoolean(false)) {
            throw GatewayException.badRequest("'background' needs a response stored to be polled, and this gateway "
                    + "keeps no state: leave it out (or stream the answer)");
        }
    }

    /** {@code text.format} (text, json_object, json_schema) as the chat request's {@code response_format}. */
    private static ObjectNode responseFormat(JsonNode format) {
        String type = format.path("type").asText("text");
        ObjectNode chat = JSON.objectNode().put("type", type);
        switch (type) {
            case "text", "json_object" -> {
            }
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("json_schema");
                copy(format, "name", schema, "name");
                copy(format, "description", schema, "description");
                copy(format, "schema", schema, "schema");
                copy(format, "strict", schema, "strict");
            }
            default -> throw GatewayException.badRequest("'text.format.type' must be text, json_object or json_schema, "
                    + "not '" + type + "'");
        }
        return chat;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value);
        }
    }
}
