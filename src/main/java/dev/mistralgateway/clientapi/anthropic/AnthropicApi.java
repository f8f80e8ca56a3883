package dev.mistralgateway.clientapi.anthropic;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.ClientApiKind;
import dev.mistralgateway.stream.SseWriter;

/**
 * Anthropic's Messages API ({@code llm_format: anthropic}) over chat targets: requests by
 * {@link MessagesRequest}, answers by {@link MessageAnswer}, streams by {@link MessageStream},
 * errors in {@link AnthropicError}'s shape, and {@code count_tokens} answered here from
 * {@link TokenEstimate}.
 */
public final class AnthropicApi implements ClientApi {

    private final ObjectMapper mapper;
    private final MessageAnswer answers;
    private final byte[] ping;

    public AnthropicApi(ObjectMapper mapper) {
        this.mapper = mapper;
        this.answers = new MessageAnswer(mapper);
        this.ping = new SseWriter().event(StreamEvents.Ping.PING.type(), json(StreamEvents.Ping.PING)).drain();
    }

    @Override
    public JsonNode toChat(JsonNode clientBody) {
        return MessagesRequest.toChat(clientBody);
    }

    @Override
    public byte[] fromChat(byte[] chatAnswer, JsonNode clientBody, ClientRequest request) {
        return json(answers.fromChat(chatAnswer, clientBody));
    }

    @Override
    public ClientStream stream(JsonNode clientBody, ClientRequest request) {
        return new MessageStream(mapper, clientBody, request.body());
    }

    /** Anthropic's {@code ping} event, which its clients ignore. */
    @Override
    public byte[] keepAlive() {
        return ping.clone();
    }

    @Override
    public Object errorBody(int status, String message, String code) {
        return AnthropicError.of(status, message);
    }

    @Override
    public Optional<byte[]> fromChatError(int status, byte[] body) {
        return Optional.of(json(AnthropicError.fromOpenAi(mapper, status, body)));
    }

    /** {@code count_tokens}: {@code {"input_tokens": N}}, an estimate ({@link TokenEstimate}). */
    @Override
    public Optional<byte[]> answerHere(String subPath, ObjectNode chat) {
        if (!subPath.equals(ClientApiKind.COUNT_TOKENS)) {
            return Optional.empty();
        }
        return Optional.of(json(mapper.createObjectNode().put("input_tokens", TokenEstimate.of(chat))));
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer record always serialises", e);
        }
    }
}
