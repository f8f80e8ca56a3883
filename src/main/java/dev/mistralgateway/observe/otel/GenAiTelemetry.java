package dev.mistralgateway.observe.otel;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.config.OtelSwitchSource;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.RequestIds;
import dev.mistralgateway.observe.RequestTrace;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's traces and metrics in OpenTelemetry's GenAI conventions. With the SDK off (no
 * OTLP endpoint, see {@link OtelSwitchSource}) it installs nothing: every request's trace is
 * {@link RequestTrace#NONE}, and the request path pays one null check.
 *
 * <p>
 * With it on, a route handler right after the request id's opens each POST's SERVER span,
 * which ends when the answer has gone out; the journey adds a CLIENT span per attempt
 * ({@link RequestSpan}). Behind Lambda, which freezes the instance once the invocation has
 * answered, {@link #flushedBefore} ends the span and exports everything before the answer leaves.
 */
@ApplicationScoped
public class GenAiTelemetry {

    private static final String KEY = "ai-proxy.trace";

    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
            return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final boolean enabled;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final GenAiMetrics metrics;
    private final PayloadMessages messages;
    private final ObjectMapper mapper;
    private final Duration flushTimeout;

    public GenAiTelemetry(OpenTelemetry openTelemetry, ObjectMapper mapper, GatewayConfig config,
            @ConfigProperty(name = OtelSwitchSource.PROPERTY, defaultValue = "true") boolean disabled) {
        this.enabled = !disabled;
        this.openTelemetry = openTelemetry;
        this.mapper = mapper;
        this.tracer = openTelemetry.getTracer("dev.mistralgateway");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.metrics = new GenAiMetrics(openTelemetry.getMeter("dev.mistralgateway"));
        this.messages = new PayloadMessages(mapper, config.statistics().maxPayloadBytes());
        this.flushTimeout = Duration.ofMillis(Math.max(0, config.metrics().otelFlushTimeout()));
    }

    /** Whether spans and metrics are recorded and exported (an OTLP endpoint is configured). */
    public boolean enabled() {
        return enabled;
    }

    void install(@Observes Router router) {
        if (enabled) {
            // after RequestIds' handler (-1000), so the span knows the request's id; POSTs only, the
            // gateway's one GenAI operation (GETs are the model list, health checks and Lambda's priming)
            router.post().order(-999).handler(this::open);
        }
    }

    private void open(RoutingContext http) {
        Context parent = propagator.extract(Context.root(), http.request().headers(), HEADERS);
        Span server = tracer.spanBuilder(http.request().method().name())
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(GenAi.HTTP_METHOD, http.request().method().name())
                .setAttribute(GenAi.REQUEST_ID, RequestIds.of(http))
                .startSpan();
        RequestSpan trace = new RequestSpan(this, server);
        http.put(KEY, trace);
        http.addEndHandler(done -> trace.end(http.response().getStatusCode()));
        http.next();
    }

    /** This request's trace; {@link RequestTrace#NONE} while tracing is off. */
    public static RequestTrace of(RoutingContext http) {
        RequestTrace trace = http.get(KEY);
        return trace == null ? RequestTrace.NONE : trace;
    }

    /**
     * The answer, once the request's SERVER span has ended and its spans and metrics have been
     * exported, or {@code ai-proxy.metrics.otel-flush-timeout} has passed: an export that is slow or
     * fails delays the answer by that much at most, and never fails it.
     */
    public <T> Uni<T> flushedBefore(RoutingContext http, Supplier<Uni<T>> answer, ToIntFunction<T> status) {
        if (!enabled) {
            return answer.get();
        }
        return Uni.createFrom().<T> deferred(answer::get).onItemOrFailure().call((item, failure) -> endAndFlush(http,
                failure == null ? status.applyAsInt(item)
                        : failure instanceof GatewayException gateway ? gateway.status() : 500));
    }

    /**
     * Writes a refusal that is answered on the Vert.x response itself, before any resource runs
     * ({@code RequestIntake}'s 401, 404, 408, 413, 415), once the request's SERVER span has ended with
     * {@code status} and been exported, or the flush timeout has passed: as {@link #flushedBefore(RoutingContext,
     * Supplier, ToIntFunction)} does for every other answer. Runs it at once while tracing is off.
     */
    public void flushedBefore(RoutingContext http, int status, Runnable answer) {
        if (!enabled || !(of(http) instanceof RequestSpan)) {
            answer.run();
            return;
        }
        io.vertx.core.Context context = Vertx.currentContext();
        Runnable onContext = context == null ? answer : () -> context.runOnContext(ignored -> answer.run());
        endAndFlush(http, status).subscribe().with(done -> onContext.run(), failed -> onContext.run());
    }

    private Uni<Void> endAndFlush(RoutingContext http, int status) {
        if (of(http) instanceof RequestSpan trace) {
            trace.end(status);
        }
        return flush();
    }

    /** Exports what the SDK holds: completes when done, failed or not, or after the flush timeout. */
    Uni<Void> flush() {
        if (!(openTelemetry instanceof OpenTelemetrySdk sdk)) {
            return Uni.createFrom().voidItem();
        }
        CompletableResultCode exported = CompletableResultCode.ofAll(List.of(
                sdk.getSdkTracerProvider().forceFlush(), sdk.getSdkMeterProvider().forceFlush()));
        return Uni.createFrom().<Void> emitter(emitter -> exported.whenComplete(() -> emitter.complete(null)))
                .ifNoItem().after(flushTimeout).recoverWithItem((Void) null);
    }

    Tracer tracer() {
        return tracer;
    }

    GenAiMetrics metrics() {
        return metrics;
    }

    PayloadMessages messages() {
        return messages;
    }

    void inject(Context context, Map<String, String> headers) {
        propagator.inject(context, headers, (carrier, name, value) -> carrier.put(name, value));
    }

    /** An answer's JSON, or null when it is none (payloads of other shapes are kept as text). */
    JsonNode read(byte[] answer) {
        try {
            return answer == null ? null : mapper.readTree(answer);
        } catch (IOException notJson) {
            return null;
        }
    }
}
