package dev.mistralgateway.format;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Target;

/**
 * One Mistral hosting's wire format, as a pure translator: no I/O, no state, so each format is
 * tested with fixtures alone. Adding a format means adding a package that implements this and a
 * line in {@link Formats}.
 */
public interface Format {

    /**
     * The upstream body for a checked client request; the caller still adds auth parameters.
     *
     * @throws dev.mistralgateway.error.GatewayException 400 when the request holds something this
     *         format cannot carry
     */
    ObjectNode toUpstream(ClientRequest request, Target target);

    /**
     * The client's answer, in the OpenAI shape, from the upstream's 200 answer.
     *
     * @throws TransformationException when the upstream answer is not one this format understands
     */
    Translated fromUpstream(byte[] upstreamBody, ClientRequest request, Target target);

    /** A translated answer, the token counts and the model it reports (null when it reports none). */
    record Translated(byte[] body, Usage usage, String model) {
    }

    /** A fresh translator for the upstream stream that answers this request. */
    StreamTranslator streamTranslator(ClientRequest request, Target target);

    /**
     * The client's error body for an upstream error answer, when this format's errors need
     * translating to the OpenAI error shape; empty to pass the upstream's body through as it is.
     */
    default Optional<byte[]> errorFromUpstream(int status, byte[] upstreamBody) {
        return Optional.empty();
    }
}
