package dev.mistralgateway.clientapi;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.request.ClientRequest;

/**
 * One API that clients speak to the gateway, as a pure translator to and from the chat-completions
 * form the targets already take: no I/O, no state between requests. The journey in between
 * (Kong's rules, balancing, failover, client keys, limits, statistics, payload logs) sees one
 * request kind whatever API the client speaks, and the upstream format's translator runs as it
 * does for a chat client. Adding an API means a package that implements this and a line in
 * {@link ClientApis}.
 *
 * <p>
 * The chat form is OpenAI's: a chat-completions request body; a {@code chat.completion} answer;
 * for a stream, the SSE events a format's stream translator emits ({@code data: <chunk>}, an error
 * as {@code data: {"error":{...}}}, and {@code data: [DONE]} at a complete end).
 */
public interface ClientApi {

    /**
     * The request for the targets, in the chat form (or, for OpenAI's own chat, completions and
     * embeddings, the body as it came); Kong's checks run on what this returns.
     *
     * @param clientBody the client's body, parsed (any JSON value: a non-object is refused here or by
     *        Kong's checks)
     * @throws dev.mistralgateway.error.GatewayException 400, in this API's words, for a request it
     *         cannot carry
     */
    JsonNode toChat(JsonNode clientBody);

    /**
     * The client's answer from the target's, as the format translated it to a {@code chat.completion}.
     *
     * @param clientBody what the client sent, for the fields its answer echoes
     * @throws dev.mistralgateway.format.TransformationException when the chat answer is not one it reads
     */
    byte[] fromChat(byte[] chatAnswer, JsonNode clientBody, ClientRequest request);

    /** A fresh translator, for one attempt's stream, from the chat events to the client's events. */
    ClientStream stream(JsonNode clientBody, ClientRequest request);

    /**
     * The body of an error answer of the gateway's own, in this API's shape, as a record that Jackson
     * writes.
     *
     * @param code a code a client can branch on, or null
     */
    Object errorBody(int status, String message, String code);

    /**
     * An upstream's error answer (put into the OpenAI error shape by the format where it could be) in
     * this API's shape; empty to pass it on as it came.
     */
    default Optional<byte[]> fromChatError(int status, byte[] body) {
        return Optional.empty();
    }

    /**
     * The event a stream sends while its upstream is slow, so that the client sees a live
     * connection (Anthropic's {@code ping}); empty for an API without one.
     */
    default byte[] keepAlive() {
        return new byte[0];
    }

    /**
     * The answer to a request at one of the route's own sub-paths
     * ({@link dev.mistralgateway.route.ClientApiKind#subPaths()}), which this API gives itself,
     * without a target (Anthropic's {@code count_tokens}); empty for a sub-path it does not know.
     *
     * @param chat the request in the chat form, checked as every request is
     */
    default Optional<byte[]> answerHere(String subPath, ObjectNode chat) {
        return Optional.empty();
    }
}
