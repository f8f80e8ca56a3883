package dev.mistralgateway.observe;

import java.util.List;

/**
 * What a stream's events said of its answer as they passed, read by the translators that already
 * read them (nothing parses the stream again for its report): the answer's id, the model the
 * upstream named, why it stopped, and when its first event went out.
 *
 * @param responseId the id the client read: its API's own (Anthropic's {@code msg_}, the Responses
 *        API's {@code resp_}), else the chunks'; null when no event named one
 * @param finishReasons why each choice stopped, in the client API's words where it has its own
 *        (Anthropic's {@code stop_reason}), else chat's {@code finish_reason}
 * @param firstEventNanos from the request's arrival to its first event, or -1 when none went out
 * @param afterFirstEventNanos from the first event to the stream's end
 */
public record StreamFacts(String responseId, String responseModel, List<String> finishReasons, long firstEventNanos,
        long afterFirstEventNanos) {
}
