package dev.mistralgateway.observe;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;

/**
 * Turns each finished request into its {@link RequestReport}: the figures of the statistics line
 * and metrics, with token counts estimated (and marked so) when the upstream reported none, and the
 * bodies cut to the configured size when the target logs payloads.
 */
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class RequestReporter {

    private final Telemetry telemetry;
    private final int maxPayloadBytes;

    public RequestReporter(Telemetry telemetry, GatewayConfig config) {
        this.telemetry = telemetry;
        this.maxPayloadBytes = config.statistics().maxPayloadBytes();
    }

    /** A request that ended without an answer of a target: refused, or every attempt failed. */
    public void failed(ReportedRequest request, Target target, int status) {
        answered(request, target, null, status, 0, null, null, null);
    }

    /** A whole answer (or a failed one); without usage from the upstream, the tokens are estimated. */
    public void answered(ReportedRequest request, Target target, ClientRequest translated, int status,
            long headersNanos, Usage usage, String responseModel, byte[] answer) {
        boolean estimate = usage == null && status == 200 && answer != null && !passedThrough(translated);
        // an embedding is no generated text: only its input counts
        boolean embedding = translated != null && translated.routeType() == RouteType.EMBEDDINGS;
        long completionEstimate = embedding || answer == null ? 0 : answer.length / 4;
        Usage counted = estimate ? Usage.of(promptEstimate(request), completionEstimate) : usage;
        record(request, target, translated, status, headersNanos, counted, estimate, responseModel, answer, null);
    }

    /** Where a stream to the client keeps what its report needs. */
    public SentEvents sentEvents(Target target) {
        return new SentEvents(target.logPayloads() ? maxPayloadBytes : 0);
    }

    /** A stream that ended, however it ended (status 499: the client went away), whose events were not read. */
    public void streamed(ReportedRequest request, Target target, ClientRequest translated, int status,
            long headersNanos, Usage usage, SentEvents sent) {
        streamed(request, target, translated, status, headersNanos, usage, sent, null);
    }

    /** A stream that ended, with what its translators read of its answer as it passed (null: nothing). */
    public void streamed(ReportedRequest request, Target target, ClientRequest translated, int status,
            long headersNanos, Usage usage, SentEvents sent, StreamFacts facts) {
        boolean estimate = usage == null && status == 200 && !passedThrough(translated);
        // no usage from the upstream: one token per content event is the usual shape of a stream
        // (less the role-only first event, the finish event and [DONE])
        Usage counted = estimate ? Usage.of(promptEstimate(request), Math.max(0, sent.events() - 3)) : usage;
        record(request, target, translated, status, headersNanos, counted, estimate,
                facts == null ? null : facts.responseModel(),
                sent.kept(),
                facts);
    }

    /** A preserve route's answer counts no tokens it did not name: an OCR page or a moderation is no text to estimate. */
    private static boolean passedThrough(ClientRequest translated) {
        return translated != null && translated.routeType() == RouteType.PRESERVE;
    }

    private void record(ReportedRequest request, Target target, ClientRequest translated, int status,
            long headersNanos, Usage usage, boolean estimated, String responseModel, byte[] answer, StreamFacts streamed) {
        boolean payloads = target != null && target.logPayloads();
        RequestReport report = new RequestReport(
                request.requestId(),
                request.route().name(),
                target == null ? -1 : target.index(),
                translated == null ? requestedModel(request, target) : translated.model(),
                responseModel,
                metricModel(request.route(), target, status, responseModel),
                status,
                request.attempts(),
                translated != null && translated.stream(),
                headersNanos / 1_000_000,
                (System.nanoTime() - request.startNanos()) / 1_000_000,
                usage,
                estimated,
                cost(request, target, usage),
                target != null && target.logStatistics(),
                payloads ? capped(request.body()) : null,
                payloads && answer != null ? capped(answer) : null,
                request.clientKey(),
                request.semantic());
        telemetry.record(report);
        request.trace().reported(report, request, translated, answer, streamed);
    }

    /** The answer's cost by its target's prices, and the embeddings call that chose it on a semantic route. */
    private static double cost(ReportedRequest request, Target target, Usage usage) {
        double embeddings = request.semantic() == null ? 0 : request.semantic().cost();
        return embeddings + (target == null || usage == null ? 0
                : target.options().cost(usage.promptTokens(), usage.cachedTokens(), usage.completionTokens()));
    }

    /** Value of the metrics' {@code model} dimension for a model the client chose, but no upstream confirmed. */
    static final String CLIENT_CHOSEN = "client-chosen";

    /**
     * The target's configured model; else the model the upstream answered with when it is one the
     * route configures (a name or an alias of its targets); otherwise the one word
     * {@link #CLIENT_CHOSEN}. Self-hosted servers such as llama.cpp answer with whatever model the
     * client named, so an answer's model alone would let a client mint billed metrics.
     */
    private static String metricModel(Route route, Target target, int status, String responseModel) {
        if (target != null && target.modelName().isPresent()) {
            return target.modelName().get();
        }
        if (status != 200 || responseModel == null) {
            return CLIENT_CHOSEN;
        }
        for (Target configured : route.targets()) {
            if (configured.serves(responseModel)) {
                return responseModel;
            }
        }
        return CLIENT_CHOSEN;
    }

    private static String requestedModel(ReportedRequest request, Target target) {
        if (target != null && target.modelName().isPresent()) {
            return target.modelName().get();
        }
        return request.checked() != null && request.checked().path("model").isTextual()
                ? request.checked().get("model").textValue()
                : null;
    }

    /** About four characters a token: an estimate, marked as one, for upstreams that report no usage. */
    private static long promptEstimate(ReportedRequest request) {
        if (request.checked() == null) {
            return 0;
        }
        long characters = request.checked().path("prompt").asText("").length();
        JsonNode input = request.checked().path("input");
        characters += input.isTextual() ? input.textValue().length() : input.isArray() ? input.toString().length() : 0;
        for (JsonNode message : request.checked().path("messages")) {
            characters += message.path("content").isTextual() ? message.get("content").textValue().length()
                    : message.path("content").toString().length();
        }
        return (characters + 3) / 4;
    }

    private String capped(byte[] body) {
        int length = Math.min(body.length, maxPayloadBytes);
        String text = new String(body, 0, length, StandardCharsets.UTF_8);
        return length < body.length ? text + "...[" + (body.length - length) + " more bytes]" : text;
    }
}
