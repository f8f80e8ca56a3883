package dev.mistralgateway.observe.otel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.ReportedRequest;
import dev.mistralgateway.observe.RequestReport;
import dev.mistralgateway.observe.RequestTrace;
import dev.mistralgateway.observe.StreamFacts;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

/**
 * One request's spans: its SERVER span, opened when the request arrives (under the client's
 * {@code traceparent}, if it sent one) and ended with the answer, and one CLIENT span per attempt
 * under it. Attempts follow one another, never overlap, so one field holds the one in flight.
 */
final class RequestSpan implements RequestTrace {

    private final GenAiTelemetry telemetry;
    private final Span server;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Span attempt;

    RequestSpan(GenAiTelemetry telemetry, Span server) {
        this.telemetry = telemetry;
        this.server = server;
    }

    @Override
    public void attemptBegins(Target target, ClientRequest request, int number, Map<String, String> headers) {
        String operation = GenAi.operation(request.routeType());
        URI url = target.upstreamUrl();
        AttributesBuilder attributes = Attributes.builder()
                .put(GenAi.OPERATION, operation)
                .put(GenAi.PROVIDER, GenAi.provider(target))
                .put(GenAi.SERVER_ADDRESS, url.getHost())
                .put(GenAi.SERVER_PORT, url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80)
                .put(GenAi.TARGET, target.index())
                .put(GenAi.ATTEMPT, number);
        if (request.model() != null) {
            attributes.put(GenAi.REQUEST_MODEL, request.model());
        }
        requestOptions(attributes, request.body());
        Span span = telemetry.tracer().spanBuilder(GenAi.spanName(operation, request.model()))
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(server))
                .setAllAttributes(attributes.build())
                .startSpan();
        attempt = span;
        telemetry.inject(Context.root().with(span), headers);
    }

    @Override
    public void attemptFailed(int status, Throwable thrown) {
        Span span = attempt;
        if (span == null) {
            return;
        }
        attempt = null;
        if (status > 0) {
            span.setAttribute(GenAi.HTTP_STATUS, status);
        }
        span.setAttribute(GenAi.ERROR_TYPE, errorType(status, thrown));
        span.setStatus(StatusCode.ERROR);
        span.end();
    }

    @Override
    public void reported(RequestReport report, ReportedRequest request, ClientRequest translated, byte[] answer,
            StreamFacts streamed) {
        RouteType type = translated != null ? translated.routeType() : request.route().targets().get(0).routeType();
        String operation = GenAi.operation(type);
        Target target = report.target() < 0 ? null : request.route().targets().get(report.target());
        AttributesBuilder outcome = Attributes.builder();
        if (report.responseModel() != null) {
            outcome.put(GenAi.RESPONSE_MODEL, report.responseModel());
        }
        if (report.usage() != null) {
            outcome.put(GenAi.INPUT_TOKENS, report.usage().promptTokens())
                    .put(GenAi.OUTPUT_TOKENS, report.usage().completionTokens())
                    .put(GenAi.ESTIMATED, report.estimated());
        }
        if (streamed != null) {
            answerFields(outcome, streamed.responseId(), streamed.finishReasons());
        } else if (report.status() == 200 && !report.stream() && answer != null) {
            answerFields(outcome, answer);
        }
        if (report.status() >= 400) {
            outcome.put(GenAi.ERROR_TYPE, String.valueOf(report.status()));
        }
        Attributes answered = outcome.build();

        Span span = attempt;
        attempt = null;
        if (span != null) {
            span.setAllAttributes(answered).setAttribute(GenAi.HTTP_STATUS, report.status());
            if (report.status() >= 400) {
                span.setStatus(StatusCode.ERROR);
            }
            payloads(span, report, request, answer);
            span.end();
        } else {
            payloads(server, report, request, answer);
        }

        AttributesBuilder asked = Attributes.builder()
                .put(GenAi.OPERATION, operation)
                .put(GenAi.ROUTE, report.route())
                .put(GenAi.ATTEMPTS, report.attempts())
                .put(GenAi.REQUEST_ID, report.requestId());
        if (report.requestModel() != null) {
            asked.put(GenAi.REQUEST_MODEL, report.requestModel());
        }
        if (target != null) {
            asked.put(GenAi.PROVIDER, GenAi.provider(target)).put(GenAi.TARGET, target.index());
        }
        requestOptions(asked, translated != null ? translated.body() : request.checked());
        server.updateName(GenAi.spanName(operation, report.requestModel()));
        server.setAllAttributes(asked.build()).setAllAttributes(answered);
        telemetry.metrics().record(report, streamed, operation, target == null ? null : GenAi.provider(target));
    }

    /** Ends the SERVER span with the status the client got; once, however many ways out call it. */
    void end(int status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Span open = attempt;
        if (open != null) {
            // the client left with an attempt in flight: nothing more will come of it
            open.setAttribute(GenAi.ERROR_TYPE, "cancelled").end();
        }
        server.setAttribute(GenAi.HTTP_STATUS, status);
        if (status >= 400) {
            // as the report has it, for a request refused before it was reported too (a missing key's 401)
            server.setAttribute(GenAi.ERROR_TYPE, String.valueOf(status));
        }
        if (status >= 500) {
            server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }

    /** A timeout, what was thrown (its cause, when the gateway wrapped it), or the upstream's status. */
    private static String errorType(int status, Throwable thrown) {
        if (thrown instanceof GatewayException gateway) {
            if (gateway.status() == 504) {
                return "timeout";
            }
            return gateway.getCause() != null ? gateway.getCause().getClass().getName() : String.valueOf(gateway.status());
        }
        return thrown != null ? thrown.getClass().getName() : String.valueOf(status);
    }

    private static void requestOptions(AttributesBuilder attributes, JsonNode body) {
        if (body == null) {
            return;
        }
        JsonNode maxTokens = body.path("max_tokens");
        if (maxTokens.canConvertToLong()) {
            attributes.put(GenAi.MAX_TOKENS, maxTokens.longValue());
        }
        JsonNode temperature = body.path("temperature");
        if (temperature.isNumber()) {
            attributes.put(GenAi.TEMPERATURE, temperature.doubleValue());
        }
    }

    /** The answer's id and finish reasons, from OpenAI's shape (choices) or Anthropic's (stop_reason). */
    private void answerFields(AttributesBuilder attributes, byte[] answer) {
        JsonNode tree = telemetry.read(answer);
        if (tree == null) {
            return;
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode choice : tree.path("choices")) {
            if (choice.path("finish_reason").isTextual()) {
                reasons.add(choice.get("finish_reason").textValue());
            }
        }
        if (tree.path("stop_reason").isTextual()) {
            reasons.add(tree.get("stop_reason").textValue());
        }
        answerFields(attributes, tree.path("id").isTextual() ? tree.get("id").textValue() : null, reasons);
    }

    /** A stream's id and finish reasons, as its translators read them when its events passed (or an answer's). */
    private static void answerFields(AttributesBuilder attributes, String id, List<String> reasons) {
        if (id != null) {
            attributes.put(GenAi.RESPONSE_ID, id);
        }
        if (!reasons.isEmpty()) {
            attributes.put(GenAi.FINISH_REASONS, reasons);
        }
    }

    /** The prompt and the answer, only when the target logs payloads (the report then carries them). */
    private void payloads(Span span, RequestReport report, ReportedRequest request, byte[] answer) {
        if (report.requestBody() == null) {
            return;
        }
        AttributesBuilder details = Attributes.builder()
                .put(GenAi.INPUT_MESSAGES, telemetry.messages().input(request.checked(), report.requestBody()));
        if (report.answerBody() != null) {
            details.put(GenAi.OUTPUT_MESSAGES, telemetry.messages().output(
                    report.stream() ? null : telemetry.read(answer), report.answerBody()));
        }
        span.addEvent(GenAi.DETAILS_EVENT, details.build());
    }
}
