package dev.mistralgateway.proxy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.ratelimit.RateLimiter;
import dev.mistralgateway.route.Auth;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.security.AwsSecrets;
import dev.mistralgateway.security.ClientAuthenticator;
import dev.mistralgateway.upstream.UpstreamAuth;
import dev.mistralgateway.upstream.UpstreamClient;
import dev.mistralgateway.upstream.UpstreamRequest;
import dev.mistralgateway.upstream.UpstreamResponse;
import dev.mistralgateway.validation.PreserveTargets;
import io.smallrye.mutiny.Uni;

/**
 * Kong's {@code preserve} route type: the client's request ({@code POST}, {@code GET} or {@code DELETE},
 * its sub-path and query: {@link PreservedUrl}) and body go to a target as they came, whatever the body is
 * (JSON, a multipart upload), with the target's credentials added, and the upstream's answer comes
 * back as it came, whole or, for a {@code text/event-stream}, event by event. Nothing is translated,
 * so no Kong request rule and no Mistral cloud hygiene applies; the client key, the rate limits,
 * balancing, failover (until the answer's first byte) and the statistics work as on every route.
 *
 * <p>
 * Of the client's headers only the body's description ({@code Content-Type},
 * {@code Content-Encoding}) and {@code Accept} go on: the rest are the gateway's (the client key, the
 * platform's own) or hop-by-hop, and a credential under another name must never reach an upstream.
 */
final class PassThrough {

    private static final List<String> FORWARDED = List.of("Content-Type", "Content-Encoding", "Accept");

    private final PassedAnswers answers;
    private final UpstreamClient upstream;
    private final RequestReporter reporter;
    private final AwsSecrets secrets;
    private final RateLimiter limiter;
    private final IntFunction<TargetPool> pools;

    PassThrough(ObjectMapper mapper, UpstreamClient upstream, RequestReporter reporter, AwsSecrets secrets,
            RateLimiter limiter, IntFunction<TargetPool> pools) {
        this.answers = new PassedAnswers(mapper, reporter);
        this.upstream = upstream;
        this.reporter = reporter;
        this.secrets = secrets;
        this.limiter = limiter;
        this.pools = pools;
    }

    /** @throws GatewayException at once when the client key is refused, or the sub-path or query cannot go on */
    Uni<Answer> handle(Route route, PreservedRequest arrival) {
        long start = System.nanoTime();
        UnaryOperator<String> clientHeader = arrival.header();
        byte[] body = arrival.body();
        PassedExchange unchecked = new PassedExchange(route, arrival, start,
                answers.jsonObject(clientHeader.apply("Content-Type"), body), clientHeader, new LinkedHashSet<>(), null, null);
        try {
            ClientAuthenticator.check(route, clientHeader);
            // refused before any target is tried: the same for every target of the route
            PreservedUrl.of(PreserveTargets.MISTRAL_API, arrival.path(), arrival.below(), arrival.rawQuery(),
                    Optional.empty());
        } catch (GatewayException refused) {
            reporter.failed(unchecked, null, refused.status());
            throw refused;
        }
        // the client's own key authenticated it to the gateway: it never goes further
        List<String> keyHeaders = ClientAuthenticator.keyHeaders(route);
        UnaryOperator<String> forwardable = name -> keyHeaders.stream().anyMatch(name::equalsIgnoreCase) ? null
                : clientHeader.apply(name);
        int key = route.clientAuth().isPresent() ? ClientAuthenticator.keyIndex(route, clientHeader) : -1;
        PassedExchange exchange = new PassedExchange(route, arrival, start, unchecked.json(), forwardable,
                unchecked.tried(), limiter.keyName(route, key), null);
        if (!limiter.limits(route)) {
            return next(exchange, null);
        }
        return limiter.admit(route, key, clientHeader).onItem().transformToUni(admission -> {
            PassedExchange admitted = exchange.admitted(admission);
            if (admission.refused()) {
                reporter.failed(admitted, null, 429);
                return Uni.createFrom().item(RateLimitAnswers.refusal(admission, answers.serialize(admission.refusal())));
            }
            return RateLimitAnswers.withHeaders(next(admitted, null), admission);
        });
    }

    /** The next attempt the pool allows, or the last failure's answer when there is none. */
    private Uni<Answer> next(PassedExchange exchange, Failure previous) {
        TargetPool pool = pools.apply(exchange.route().index());
        String hashKey = exchange.clientHeader().apply(exchange.route().balancing().hashOnHeader());
        return pool.begin(hashKey, exchange.tried()).onItem().transformToUni(begun -> {
            if (begun.isPresent()) {
                return attempt(exchange, begun.get());
            }
            if (previous != null) {
                return answer(exchange, previous);
            }
            GatewayException none = Unavailable.of(exchange.route(), pool);
            reporter.failed(exchange, null, none.status());
            return Uni.createFrom().failure(none);
        });
    }

    private Uni<Answer> attempt(PassedExchange exchange, Attempt attempt) {
        Target target = attempt.target();
        exchange.tried().add(target.index());
        secrets.freshen(target);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = exchange.clientHeader().apply(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        PreservedRequest arrival = exchange.arrival();
        URI url;
        try {
            // the target's upstream as this request's templates make it ($(uri_captures.id) in upstream_path)
            Target resolved = TargetTemplates.resolve(target, TargetTemplates.values(exchange.clientHeader(),
                    arrival.query(), arrival.captures()));
            Optional<String> keyParam = target.auth().param().filter(param -> param.location() == Auth.ParamLocation.QUERY)
                    .map(Auth.Param::name);
            URI base = PreservedUrl.of(resolved.upstreamUrl(), arrival.path(), arrival.below(), arrival.rawQuery(),
                    keyParam);
            // a preserve target's key is a header or a query parameter (start-up refuses the body, which stays unread)
            url = UpstreamAuth.apply(target.auth(), exchange.clientHeader(), arrival.query(), base, headers, null);
        } catch (GatewayException refused) {
            reporter.failed(exchange, target, refused.status());
            return attempt.released().chain(() -> Uni.createFrom().failure(refused));
        }
        UpstreamRequest call = new UpstreamRequest(url, headers, arrival.body(), arrival.requestId());
        AtomicBoolean streams = new AtomicBoolean();
        return upstream.passThrough(exchange.route(), arrival.method(), call)
                .onItemOrFailure().transformToUni((answer, failure) -> {
                    if (failure != null) {
                        return failed(exchange, attempt, Failure.of(failure));
                    }
                    if (answer.head().status() / 100 != 2) {
                        return failed(exchange, attempt, Failure.of(null, answer.head()));
                    }
                    if (answer.body() == null) {
                        return answers.whole(exchange, attempt, answer.head());
                    }
                    streams.set(true);
                    return answers.streamed(exchange, attempt, answer, (again, broken) -> failed(exchange, again, broken));
                })
                .onCancellation().call(() -> {
                    // the client left: reported once, by the attempt in flight (a stream reports its own 499)
                    if (!streams.get() && exchange.lastTried() == target.index()) {
                        reporter.answered(exchange, target, exchange.reported(target, false), 499,
                                attempt.elapsed().toNanos(), null, null, null);
                    }
                    return attempt.released();
                });
    }

    /** Records the failure, then tries another target if the route's failover rules allow it. */
    private Uni<Answer> failed(PassedExchange exchange, Attempt attempt, Failure failure) {
        boolean moveOn = failure.criterion() != null
                && exchange.route().balancing().failoverCriteria().contains(failure.criterion())
                && exchange.tried().size() <= exchange.route().balancing().retries();
        return attempt.failed(failure.criterion(), failure.retryAfter())
                .chain(() -> moveOn ? next(exchange, failure) : answer(exchange, failure));
    }

    /** The last failure: the gateway's own error, or the upstream's answer as it came (Kong's way). */
    private Uni<Answer> answer(PassedExchange exchange, Failure failure) {
        Target last = exchange.route().targets().get(exchange.lastTried());
        if (failure.error() != null) {
            reporter.failed(exchange, last, failure.error().status());
            return Uni.createFrom().failure(failure.error().withHeaders(PassedAnswers.attemptHeaders(exchange)));
        }
        UpstreamResponse response = failure.response();
        reporter.failed(exchange, last, response.status());
        return Uni.createFrom().item(Answer.whole(response.status(), PassedAnswers.headersOf(exchange, response, null),
                response.body()));
    }
}
