package dev.mistralgateway.clientapi.chat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.request.ClientRequest;

/**
 * OpenAI's chat completions, completions and embeddings: the form the targets take already, so
 * every step is the identity and costs nothing.
 */
public final class OpenAiChatApi implements ClientApi {

    private static final ClientStream AS_IT_COMES = new ClientStream() {
        private static final byte[] NOTHING = new byte[0];

        @Override
        public byte[] next(byte[] chatEvents) {
            return chatEvents;
        }

        @Override
        public byte[] end() {
            return NOTHING;
        }
    };

    @Override
    public JsonNode toChat(JsonNode clientBody) {
        return clientBody;
    }

    @Override
    public byte[] fromChat(byte[] chatAnswer, JsonNode clientBody, ClientRequest request) {
        return chatAnswer;
    }

    @Override
    public ClientStream stream(JsonNode clientBody, ClientRequest request) {
        return AS_IT_COMES;
    }

    @Override
    public Object errorBody(int status, String message, String code) {
        return ErrorBody.of(status, message, code);
    }
}
