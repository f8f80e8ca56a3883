package dev.mistralgateway.format.openai;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.Usage;

/**
 * What {@link OpenAiFormat} reads of an answer it passes through byte for byte, read with a
 * streaming parser instead of a JSON tree: whether {@code choices} (or {@code data}) is an array,
 * the usage, the model, and whether any choice's {@code message.content} is an array of chunks.
 *
 * <p>
 * Why: every whole answer was read into a tree only to look at those few fields, ~4 % of a
 * request's CPU at C1 (how AWS runs a Java function; JFR, bench/run.sh's gateway-c1). The scan
 * decides only for answers it reads exactly as the tree would: anything else (not JSON, a field
 * it reads given twice, token counts that are not plain integers, content chunks) is left
 * undecided, and the caller reads the tree as before. {@code AnswerScanTest} holds it to the tree.
 */
final class AnswerScan {

    /** What the tree would have given; {@code usage} and {@code model} may be null. */
    record Read(boolean expectedIsArray, Usage usage, String model) {
    }

    private AnswerScan() {
    }

    /** The fields, or null when only the tree can say (or refuse the answer with its own message). */
    static Read of(ObjectMapper mapper, byte[] answer, String expected) {
        try (JsonParser parser = mapper.createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Set<String> seen = new HashSet<>();
            boolean expectedIsArray = false;
            Usage usage = null;
            String model = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                boolean read = name.equals(expected) || name.equals("choices") || name.equals("usage")
                        || name.equals("model");
                if (read && !seen.add(name)) {
                    return null;
                }
                if (name.equals("choices") && value == JsonToken.START_ARRAY && !plainChoices(parser)) {
                    return null;
                }
                if (name.equals(expected)) {
                    expectedIsArray = value == JsonToken.START_ARRAY;
                }
                if (name.equals("usage") && value == JsonToken.START_OBJECT) {
                    long[] tokens = tokens(parser);
                    if (tokens == null) {
                        return null;
                    }
                    usage = tokens[0] < 0 ? null : Usage.of(tokens[0], tokens[1]);
                } else if (name.equals("model") && value == JsonToken.VALUE_STRING) {
                    model = parser.getText();
                }
                parser.skipChildren();
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                return null;
            }
            return new Read(expectedIsArray, usage, model);
        } catch (IOException | RuntimeException notPlain) {
            return null;
        }
    }

    /**
     * Reads a {@code choices} array to its end: true when no choice's {@code message.content} is
     * an array (content chunks, which {@link ContentChunks} rewrites) and no field it reads repeats.
     */
    private static boolean plainChoices(JsonParser parser) throws IOException {
        for (JsonToken choice = parser.nextToken(); choice != JsonToken.END_ARRAY; choice = parser.nextToken()) {
            if (choice != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            boolean message = false;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken value = parser.nextToken();
                if (name.equals("message")) {
                    if (message) {
                        return false;
                    }
                    message = true;
                    if (value == JsonToken.START_OBJECT && !plainMessage(parser)) {
                        return false;
                    }
                }
                parser.skipChildren();
            }
        }
        return true;
    }

    /** Reads a message object to its end: true when its {@code content} is given once and is no array. */
    private static boolean plainMessage(JsonParser parser) throws IOException {
        boolean content = false;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            if (name.equals("content")) {
                if (content || value == JsonToken.START_ARRAY) {
                    return false;
                }
                content = true;
            }
            parser.skipChildren();
        }
        return true;
    }

    /**
     * Reads a usage object to its end: {prompt, completion}, {-1, 0} without a {@code prompt_tokens}
     * number (no usage, as {@link OpenAiFormat#usageOf} says), or null for what only the tree reads
     * alike (a count given twice, or as anything but an integer; cached prompt tokens, in any of
     * their spellings, which the tree reads and may rewrite in OpenAI's words: {@link
     * dev.mistralgateway.answers.CachedTokens}).
     */
    private static long[] tokens(JsonParser parser) throws IOException {
        long prompt = -1;
        long completion = 0;
        boolean completionSeen = false;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            if (name.equals("num_cached_tokens") || name.equals("prompt_tokens_details")
                    || name.equals("prompt_token_details")) {
                return null;
            }
            boolean isPrompt = name.equals("prompt_tokens");
            if (isPrompt || name.equals("completion_tokens")) {
                if ((isPrompt ? prompt >= 0 : completionSeen) || value != JsonToken.VALUE_NUMBER_INT
                        || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return null;
                }
                long count = parser.getLongValue();
                if (count < 0) {
                    return null;
                }
                if (isPrompt) {
                    prompt = count;
                } else {
                    completion = count;
                    completionSeen = true;
                }
            }
            parser.skipChildren();
        }
        return new long[] { prompt, completion };
    }
}
