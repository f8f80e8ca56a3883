package dev.mistralgateway.format.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The two field moves the hygiene rules share: nulls left out, an OpenAI name made Mistral's. */
final class JsonFields {

    private JsonFields() {
    }

    /**
     * OpenAI SDKs send {@code null} for options left unset; Mistral's schema allows null on only
     * some of them ({@code top_p}, {@code stop}, {@code response_format}, {@code tool_choice} refuse
     * it). Null means "not set" either way, so every null goes.
     */
    static void dropNulls(ObjectNode object) {
        List<String> nulls = new ArrayList<>();
        object.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                nulls.add(field.getKey());
            }
        });
        object.remove(nulls);
    }

    /** The OpenAI name becomes Mistral's, unless the client also sent Mistral's, which then wins. */
    static void rename(ObjectNode body, String openAiName, String mistralName) {
        JsonNode value = body.remove(openAiName);
        if (value != null && !body.has(mistralName)) {
            body.set(mistralName, value);
        }
    }
}
