package dev.mistralgateway.proxy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.upstream.UpstreamResponse;
import io.smallrye.mutiny.Uni;

/**
 * A whole answer: the upstream's 200 through the format's and the client API's translators, its
 * report, then the breaker's books, the rate limits' count and a stored response, all before the
 * answer goes out (Lambda freezes the instance once it has answered).
 */
final class WholeAnswer {

    private final RequestReporter reporter;

    WholeAnswer(RequestReporter reporter) {
        this.reporter = reporter;
    }

    Uni<Answer> answer(Exchange exchange, Attempt attempt, Format format, ClientRequest request,
            UpstreamResponse response) {
        Target target = attempt.target();
        long took = attempt.elapsed().toNanos();
        Format.Translated translated;
        byte[] body;
        try {
            translated = format.fromUpstream(response.body(), request, target);
            body = exchange.api().fromChat(translated.body(), exchange.sent(), request);
        } catch (RuntimeException untranslatable) {
            attempt.failed(null, Optional.empty()).subscribe().with(done -> {
            }, failure -> {
            });
            reporter.answered(exchange, target, request, 500, took, null, null, null);
            throw untranslatable;
        }
        // without usage, about four bytes a token of the answer stand in for its output
        Uni<Void> settled = attempt.succeeded(translated.usage(), translated.body().length / 4);
        reporter.answered(exchange, target, request, 200, took, translated.usage(), translated.model(), body);
        Map<String, List<String>> headers = AnswerHeaders.passedOn(response);
        headers.put("Content-Type", List.of(AnswerHeaders.JSON));
        AnswerHeaders.describe(exchange, request, headers);
        Usage counted = translated.usage() != null ? translated.usage() : Usage.of(0, translated.body().length / 4);
        return settled.call(() -> exchange.count(counted, target)).call(() -> exchange.kept(body))
                .replaceWith(Answer.whole(200, headers, body));
    }
}
