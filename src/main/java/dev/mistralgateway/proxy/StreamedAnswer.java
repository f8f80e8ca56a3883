package dev.mistralgateway.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.observe.SentEvents;
import dev.mistralgateway.observe.StreamFacts;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.stream.SseWriter;
import dev.mistralgateway.upstream.UpstreamStream;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A streamed answer: the upstream's events through the format's and the client API's translators, the
 * route's stream limits (tokens, time), the error event that ends a stream whose status has gone out,
 * and its report, the breaker's books and the rate limits' count once it ends.
 */
final class StreamedAnswer {

    private static final Logger LOG = Logger.getLogger(StreamedAnswer.class);

    /** What a stream that failed before its first event does next: the attempt loop's failover. */
    @FunctionalInterface
    interface OnFailure {
        Uni<Answer> failed(Attempt attempt, Failure failure);
    }

    private final ObjectMapper mapper;
    private final RequestReporter reporter;

    StreamedAnswer(ObjectMapper mapper, RequestReporter reporter) {
        this.mapper = mapper;
        this.reporter = reporter;
    }

    /**
     * A stream is answered once its first event is there: until then, a failure (the upstream
     * breaking off, an error line, an end without any event) is an attempt's failure like any other
     * and may move on to another target. After it, a failure becomes an error event that ends the
     * stream, since the status has gone out. A stream that does not end as its upstream says a
     * complete answer ends ({@code [DONE]}, Ollama's done line) counts as failed, and its client
     * gets an error event, never a {@code [DONE]}.
     */
    Uni<Answer> answer(Exchange exchange, Attempt attempt, Format format, ClientRequest request,
            UpstreamStream stream, OnFailure onFailure) {
        Target target = attempt.target();
        long headersNanos = attempt.elapsed().toNanos();
        TwoStepStream translator = new TwoStepStream(format.streamTranslator(request, target),
                exchange.api().stream(exchange.sent(), request));
        AtomicBoolean started = new AtomicBoolean();
        // when the first event went out (System.nanoTime), 0 before: the stream's time to first token
        AtomicLong firstEvent = new AtomicLong();
        SentEvents sent = reporter.sentEvents(target);
        Route.StreamLimits limits = exchange.route().streamLimits();
        AtomicBoolean upstreamEnded = new AtomicBoolean();
        // the status of a stream cut at one of the route's limits (its error event's), 0 while not cut
        AtomicInteger cutStatus = new AtomicInteger();
        AtomicReference<Flow.Subscription> upstreamCall = new AtomicReference<>();
        Multi<byte[]> translated = stream.body()
                .onSubscription().invoke(upstreamCall::set)
                .onCompletion().invoke(() -> upstreamEnded.set(true))
                .map(translator::chat);
        if (limits.maxTokens() > 0) {
            // a piece that takes the answer past the cap does not go out; a piece that reaches it exactly does
            translated = translated.select().first(bytes -> translator.outputTokens() <= limits.maxTokens());
        }
        if (!limits.maxDuration().isZero()) {
            Duration left = limits.maxDuration().minusNanos(System.nanoTime() - exchange.startNanos());
            translated = translated.select().first(left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left);
        }
        Multi<byte[]> outgoing = translated
                .map(translator::client)
                // a limit ends the body early: the client gets an error event instead of [DONE]
                .onCompletion().switchTo(() -> Multi.createFrom().item(() -> {
                    if (!upstreamEnded.get()) {
                        // Mutiny's select() completes without cancelling what it reads from
                        upstreamCall.get().cancel();
                    }
                    // a limit reached after the answer's [DONE] cuts nothing: the answer is complete
                    return upstreamEnded.get() || translator.ended() ? translator.end()
                            : limitReached(exchange, limits, translator, cutStatus);
                }))
                .map(bytes -> {
                    if (!started.get() && translator.failure() != null) {
                        // nothing went out yet: this attempt failed, and the request may move on
                        throw new GatewayException(502, translator.failure());
                    }
                    return bytes;
                })
                .filter(bytes -> bytes.length > 0);
        if (exchange.keep() != null) {
            // stored before the events that complete it go out: a follow-up sent at once finds it
            outgoing = outgoing.onItem().call(bytes -> exchange.keep().streamed(translator.completed()));
        }
        Multi<byte[]> events = outgoing
                .invoke(bytes -> {
                    if (!started.getAndSet(true)) {
                        firstEvent.set(System.nanoTime());
                    }
                    sent.add(bytes);
                })
                .onTermination().call((failure, cancelled) -> {
                    if (cancelled) {
                        // 499: nginx's word for a client that closed the connection before the answer ended
                        reporter.streamed(exchange, target, request, 499, headersNanos, translator.usage(), sent,
                                facts(exchange, translator, firstEvent.get()));
                        return attempt.released().call(() -> exchange.count(translator.usage(), target));
                    } else if (failure != null || translator.failure() != null) {
                        if (started.get()) {
                            int status = failure instanceof GatewayException gateway ? gateway.status() : 502;
                            reporter.streamed(exchange, target, request, status, headersNanos, translator.usage(), sent,
                                    facts(exchange, translator, firstEvent.get()));
                        }
                        return attempt.failed(FailoverCriterion.ERROR, Optional.empty())
                                .call(() -> exchange.count(translator.usage(), target));
                    }
                    // cut at a limit, the target still answered as it should; the client got no whole answer
                    int status = cutStatus.get() == 0 ? 200 : cutStatus.get();
                    reporter.streamed(exchange, target, request, status, headersNanos, translator.usage(), sent,
                            facts(exchange, translator, firstEvent.get()));
                    Usage counted = translator.usage() != null ? translator.usage()
                            : Usage.of(0, translator.outputTokens());
                    return attempt.succeeded(translator.usage(), translator.outputTokens())
                            .call(() -> exchange.count(counted, target));
                })
                .onFailure(failure -> started.get())
                .recoverWithMulti(failure -> Multi.createFrom().item(translator.endWith(errorEvent(failure))));
        return FirstEvent.of(events)
                .map(body -> {
                    Map<String, List<String>> headers = AnswerHeaders.passedOn(stream.head());
                    headers.put("Content-Type", List.of(SseWriter.CONTENT_TYPE));
                    headers.put("Cache-Control", List.of("no-cache"));
                    // tells proxies such as nginx not to hold events back
                    headers.put("X-Accel-Buffering", List.of("no"));
                    AnswerHeaders.describe(exchange, request, headers);
                    return new Answer(200, headers, KeepAlive.of(body, exchange.api().keepAlive(), Proxy.KEEP_ALIVE));
                })
                .onFailure().recoverWithUni(failure -> onFailure.failed(attempt,
                        Failure.of(failure instanceof FirstEvent.NoItem ? new GatewayException(502, failure.getMessage())
                                : failure)));
    }

    /** What the translators read of the answer, with its first event's time from the request's arrival. */
    private static StreamFacts facts(Exchange exchange, TwoStepStream translator, long firstEvent) {
        if (firstEvent == 0) {
            return translator.facts(-1, 0);
        }
        return translator.facts(firstEvent - exchange.startNanos(), System.nanoTime() - firstEvent);
    }

    /** The error event that ends a stream cut at one of its route's limits; the log names the setting. */
    private byte[] limitReached(Exchange exchange, Route.StreamLimits limits, TwoStepStream translator,
            AtomicInteger cutStatus) {
        boolean tokens = limits.maxTokens() > 0 && translator.outputTokens() >= limits.maxTokens();
        cutStatus.set(tokens ? 400 : 504);
        String setting = EnvNames.ofRoute(exchange.route().index(), tokens ? "max-stream-tokens" : "max-stream-seconds");
        LOG.infof("stream of request %s on route '%s' ended at the route's limit (%s)", exchange.requestId(),
                exchange.route().name(), setting);
        ErrorBody error = tokens
                ? ErrorBody.of(400, "the answer was cut after about " + limits.maxTokens()
                        + " tokens, the most this route streams; ask for fewer with max_tokens", "stream_token_limit")
                : ErrorBody.of(504, "the answer was cut after " + limits.maxDuration().toSeconds()
                        + " s, the longest this route streams; ask for a shorter answer with max_tokens",
                        "stream_time_limit");
        return translator.endWith(errorEvent(error));
    }

    private byte[] errorEvent(Throwable failure) {
        int status = failure instanceof GatewayException gateway ? gateway.status() : 502;
        String message = failure instanceof GatewayException ? failure.getMessage()
                : "the upstream stream failed: " + failure.getClass().getSimpleName();
        return errorEvent(ErrorBody.of(status, message));
    }

    /** An error as the last event of a stream, whose status has gone out already. */
    private byte[] errorEvent(ErrorBody error) {
        try {
            return new SseWriter().event(mapper.writeValueAsBytes(error)).drain();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error record always serialises", e);
        }
    }
}
