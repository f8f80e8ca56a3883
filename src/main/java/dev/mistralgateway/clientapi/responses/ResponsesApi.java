package dev.mistralgateway.clientapi.responses;

import java.time.Clock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.Ids;
import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.ClientStream;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.request.ClientRequest;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}, Kong's route type {@code llm/v1/responses})
 * over chat targets of any format: the request by {@link ResponsesRequest}, the answer by
 * {@link ResponseAnswer}, the stream by {@link ResponsesStream}. Errors keep OpenAI's shape, which
 * the Responses API shares with chat.
 */
public final class ResponsesApi implements ClientApi {

    /** The reason given for a stateless gateway, which needs Redis to store responses. */
    public static final String NO_REDIS = "responses are stored only in the fleet's Redis: set QUARKUS_REDIS_HOSTS";

    private final ObjectMapper mapper;
    private final Clock clock;
    private final String notStoredBecause;

    /** A translator for a gateway that stores no responses. */
    public ResponsesApi(ObjectMapper mapper, Clock clock) {
        this(mapper, clock, NO_REDIS);
    }

    /**
     * @param notStoredBecause why no response is stored, for the refusal of {@code previous_response_id};
     *        null when {@link StoredResponses} stores them and resolves that field before this translator
     */
    public ResponsesApi(ObjectMapper mapper, Clock clock, String notStoredBecause) {
        this.mapper = mapper;
        this.clock = clock;
        this.notStoredBecause = notStoredBecause;
    }

    @Override
    public JsonNode toChat(JsonNode clientBody) {
        return ResponsesRequest.toChat(clientBody, notStoredBecause);
    }

    @Override
    public byte[] fromChat(byte[] chatAnswer, JsonNode clientBody, ClientRequest request) {
        Turn turn = ResponseAnswer.read(mapper, chatAnswer, ResponsesTools.customNames(clientBody));
        long now = clock.instant().getEpochSecond();
        try {
            return mapper.writeValueAsBytes(ResponseAnswer.of(turn, clientBody, Ids.next("resp_"), now,
                    ResponseAnswer.finalStatus(turn), null, request.model(), now));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response record always serialises", e);
        }
    }

    @Override
    public ClientStream stream(JsonNode clientBody, ClientRequest request) {
        return new ResponsesStream(mapper, clock, clientBody, request.model());
    }

    @Override
    public Object errorBody(int status, String message, String code) {
        return ErrorBody.of(status, message, code);
    }
}
