package dev.mistralgateway.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change one request needs in its answer, whole or streamed, made after Mistral's content chunks
 * are flattened ({@link ContentChunks}): the prefix Mistral repeats ({@link PrefixEcho}), the
 * legacy function call a client asked for ({@link LegacyFunctions}). One instance per request: a
 * stream's rewrite may hold what earlier events said.
 */
interface AnswerRewrite {

    /** Rewrites a whole answer's choices in place; whether it changed anything. */
    boolean answer(JsonNode answer);

    /** Rewrites one stream event's choices in place; whether it changed anything. */
    boolean event(ObjectNode event);
}
