package dev.mistralgateway.format.ollama;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Most lines of an Ollama stream carry a piece of text and nothing else: those are read field by
 * field, without a tree. Each field is null when the line has none. Part of
 * {@link OllamaStreamTranslator}.
 */
record PlainLine(String content, String thinking, String response) {

    /**
     * The line's pieces of text, or null for any other line (done, an error, tool calls, a field of
     * an unexpected type, not JSON), which takes the general path.
     */
    static PlainLine read(JsonFactory json, byte[] text) {
        String content = null;
        String thinking = null;
        String response = null;
        try (JsonParser parser = json.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "done" -> {
                        if (value != JsonToken.VALUE_FALSE) {
                            return null;
                        }
                    }
                    case "response" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        response = parser.getText();
                    }
                    case "message" -> {
                        if (value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String name = parser.currentName();
                            JsonToken part = parser.nextToken();
                            if (name.equals("content") || name.equals("thinking")) {
                                if (part != JsonToken.VALUE_STRING) {
                                    return null;
                                }
                                if (name.equals("content")) {
                                    content = parser.getText();
                                } else {
                                    thinking = parser.getText();
                                }
                            } else if (name.equals("tool_calls")) {
                                return null;
                            } else {
                                parser.skipChildren();
                            }
                        }
                    }
                    case "error" -> {
                        return null;
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return new PlainLine(content, thinking, response);
    }
}
