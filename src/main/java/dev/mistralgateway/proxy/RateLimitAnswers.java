package dev.mistralgateway.proxy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.ratelimit.Admission;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** What a request's rate limits add to its answer: OpenAI's 429 when refused, the x-ratelimit headers always. */
final class RateLimitAnswers {

    private RateLimitAnswers() {
    }

    /** OpenAI's 429 for a refused request, with Retry-After and the x-ratelimit headers. */
    static Answer refusal(Admission admission, byte[] body) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        admission.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        headers.put("Content-Type", List.of("application/json"));
        return new Answer(429, headers, Multi.createFrom().item(body));
    }

    /** The answer (or the gateway's error) of an admitted request, with its x-ratelimit headers. */
    static Uni<Answer> withHeaders(Uni<Answer> answer, Admission admission) {
        Map<String, String> limits = admission.headers();
        return answer.invoke(done -> limits.forEach((name, value) -> done.headers().put(name, List.of(value))))
                .onFailure(GatewayException.class).transform(failure -> ((GatewayException) failure).withHeaders(limits));
    }
}
