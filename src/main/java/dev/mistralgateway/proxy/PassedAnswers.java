package dev.mistralgateway.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.error.ErrorBody;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.observe.SentEvents;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Balancing.FailoverCriterion;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.stream.SseWriter;
import dev.mistralgateway.upstream.UpstreamResponse;
import dev.mistralgateway.upstream.UpstreamStream;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A preserve route's answer as the upstream gave it: whole, its usage read where it has one, or as an
 * event stream passed on as its bytes come; the headers the gateway adds; payloads as logs may show
 * them (text as it is, binary by its size and type).
 */
final class PassedAnswers {

    private final ObjectMapper mapper;
    private final RequestReporter reporter;

    PassedAnswers(ObjectMapper mapper, RequestReporter reporter) {
        this.mapper = mapper;
        this.reporter = reporter;
    }

    Uni<Answer> whole(PassedExchange exchange, Attempt attempt, UpstreamResponse response) {
        Target target = attempt.target();
        Usage usage = PassedUsage.ofAnswer(mapper, response.contentType(), response.body());
        ClientRequest reported = exchange.reported(target, false);
        Uni<Void> settled = attempt.succeeded(usage, usage == null ? 0 : usage.completionTokens());
        reporter.answered(exchange, target, reported, response.status(), attempt.elapsed().toNanos(), usage,
                answeredModel(response), loggable(response.contentType(), response.body()));
        Map<String, List<String>> headers = headersOf(exchange, response, reported);
        return settled.call(() -> exchange.count(usage, target))
                .replaceWith(Answer.whole(response.status(), headers, response.body()));
    }

    /**
     * An event stream goes on as its bytes come; its usage is read on the way. Until its first
     * bytes a failure may move on to another target; after them it ends the stream with an error event.
     */
    Uni<Answer> streamed(PassedExchange exchange, Attempt attempt, UpstreamStream stream,
            BiFunction<Attempt, Failure, Uni<Answer>> failed) {
        Target target = attempt.target();
        long headersNanos = attempt.elapsed().toNanos();
        ClientRequest reported = exchange.reported(target, true);
        PassedUsage usage = new PassedUsage(mapper);
        SentEvents sent = reporter.sentEvents(target);
        AtomicBoolean started = new AtomicBoolean();
        Multi<byte[]> events = stream.body()
                .filter(bytes -> bytes.length > 0)
                .invoke(bytes -> {
                    usage.feed(bytes);
                    started.set(true);
                    sent.add(bytes);
                })
                .onTermination().call((failure, cancelled) -> {
                    if (cancelled) {
                        reporter.streamed(exchange, target, reported, 499, headersNanos, usage.usage(), sent);
                        return attempt.released().call(() -> exchange.count(usage.usage(), target));
                    }
                    if (failure != null) {
                        if (started.get()) {
                            int status = failure instanceof GatewayException gateway ? gateway.status() : 502;
                            reporter.streamed(exchange, target, reported, status, headersNanos, usage.usage(), sent);
                        }
                        return attempt.failed(FailoverCriterion.ERROR, Optional.empty())
                                .call(() -> exchange.count(usage.usage(), target));
                    }
                    reporter.streamed(exchange, target, reported, stream.head().status(), headersNanos, usage.usage(),
                            sent);
                    return attempt.succeeded(usage.usage(), usage.usage() == null ? 0 : usage.usage().completionTokens())
                            .call(() -> exchange.count(usage.usage(), target));
                })
                .onFailure(failure -> started.get())
                .recoverWithMulti(failure -> Multi.createFrom().item(errorEvent(failure)));
        return FirstEvent.of(events)
                .map(body -> {
                    Map<String, List<String>> headers = headersOf(exchange, stream.head(), reported);
                    headers.put("Cache-Control", List.of("no-cache"));
                    // tells proxies such as nginx not to hold events back
                    headers.put("X-Accel-Buffering", List.of("no"));
                    return new Answer(stream.head().status(), headers, body);
                })
                .onFailure().recoverWithUni(failure -> failed.apply(attempt, Failure.of(
                        failure instanceof FirstEvent.NoItem ? new GatewayException(502, failure.getMessage()) : failure)));
    }

    /** The upstream's headers as {@link Proxy} passes them on, its content type kept, and which target answered. */
    static Map<String, List<String>> headersOf(PassedExchange exchange, UpstreamResponse response,
            ClientRequest reported) {
        Map<String, List<String>> headers = AnswerHeaders.passedOn(response);
        if (response.contentType() != null) {
            headers.put("Content-Type", List.of(response.contentType()));
        }
        attemptHeaders(exchange).forEach((name, value) -> headers.put(name, List.of(value)));
        if (reported != null && reported.model() != null && exchange.route().modelNameHeader()) {
            headers.put(AnswerHeaders.MODEL_HEADER, List.of("mistral/" + reported.model()));
        }
        return headers;
    }

    static Map<String, String> attemptHeaders(PassedExchange exchange) {
        return Map.of(AnswerHeaders.TARGET_HEADER, String.valueOf(exchange.lastTried()),
                AnswerHeaders.ATTEMPTS_HEADER, String.valueOf(exchange.tried().size()));
    }

    /** An error as the last event of a stream whose status has gone out, in the shape of every gateway error. */
    private byte[] errorEvent(Throwable failure) {
        int status = failure instanceof GatewayException gateway ? gateway.status() : 502;
        String message = failure instanceof GatewayException ? failure.getMessage()
                : "the upstream stream failed: " + failure.getClass().getSimpleName();
        return new SseWriter().event(serialize(ErrorBody.of(status, message))).drain();
    }

    private String answeredModel(UpstreamResponse response) {
        ObjectNode answer = jsonObject(response.contentType(), response.body());
        return answer != null && answer.path("model").isTextual() ? answer.get("model").textValue() : null;
    }

    ObjectNode jsonObject(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json") || body.length == 0) {
            return null;
        }
        try {
            JsonNode tree = mapper.readTree(body);
            return tree instanceof ObjectNode object ? object : null;
        } catch (IOException notJson) {
            // the upstream judges the body: a preserve route does not
            return null;
        }
    }

    /** Text bodies (JSON, text, forms) as they are; any other as its size and type, never its bytes. */
    static byte[] loggable(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.isEmpty() || type.contains("json") || type.startsWith("text/")
                || type.startsWith("application/x-www-form-urlencoded")) {
            return body;
        }
        int parameters = type.indexOf(';');
        return ("[" + body.length + " bytes of " + (parameters < 0 ? type : type.substring(0, parameters)).trim() + "]")
                .getBytes(StandardCharsets.UTF_8);
    }

    byte[] serialize(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error record always serialises", e);
        }
    }
}
