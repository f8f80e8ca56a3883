package dev.mistralgateway.clientapi.responses;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.Ids;

/**
 * What the model said in one answer, gathered whole or event by event: its thinking, its text,
 * its tool calls, why it stopped and what it cost. The output items' ids are made once, so the
 * items a stream announces and the response that ends it name the same ones.
 */
final class Turn {

    /** One tool call; {@code custom} when it calls a custom tool, whose input is its one argument. */
    static final class Call {
        final String itemId;
        final String callId;
        final String name;
        final boolean custom;
        final StringBuilder arguments = new StringBuilder();

        Call(String callId, String name, boolean custom) {
            this.itemId = Ids.next(custom ? "ctc_" : "fc_");
            this.callId = callId;
            this.name = name;
            this.custom = custom;
        }
    }

    final String reasoningId = Ids.next("rs_");
    final String messageId = Ids.next("msg_");
    final StringBuilder reasoning = new StringBuilder();
    final StringBuilder text = new StringBuilder();
    final List<Call> calls = new ArrayList<>();
    String model;
    String finishReason;
    JsonNode usage;

    /** Whether the token cap or a content filter cut the answer. */
    String incompleteReason() {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "length", "model_length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }

    /** Whether the answer has a message: it has text, or nothing else to show. */
    boolean hasMessage() {
        return !text.isEmpty() || calls.isEmpty() && reasoning.isEmpty();
    }
}
