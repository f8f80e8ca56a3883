package dev.mistralgateway.observe.otel;

import java.util.List;

import dev.mistralgateway.observe.RequestReport;
import dev.mistralgateway.observe.StreamFacts;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;

/**
 * The GenAI conventions' four metrics, one record per finished request. Their attributes are all
 * bounded: the route and the model as the metrics' dimension has it ({@link RequestReport#metricModel()},
 * a configured model or the one word {@code client-chosen}), the operation, the provider, and an
 * error's status code; never a name the client chose.
 */
final class GenAiMetrics {

    private final DoubleHistogram tokens;
    private final DoubleHistogram duration;
    private final DoubleHistogram timeToFirstToken;
    private final DoubleHistogram timePerOutputToken;

    GenAiMetrics(Meter meter) {
        // the buckets the conventions advise for each
        tokens = meter.histogramBuilder("gen_ai.client.token.usage").setUnit("{token}")
                .setDescription("Number of input and output tokens used")
                .setExplicitBucketBoundariesAdvice(List.of(1d, 4d, 16d, 64d, 256d, 1024d, 4096d, 16384d, 65536d,
                        262144d, 1048576d, 4194304d, 16777216d, 67108864d))
                .build();
        duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration")
                .setExplicitBucketBoundariesAdvice(List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
                        5.12, 10.24, 20.48, 40.96, 81.92))
                .build();
        timeToFirstToken = meter.histogramBuilder("gen_ai.server.time_to_first_token").setUnit("s")
                .setDescription("Time to generate first token for successful responses")
                .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25,
                        0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0))
                .build();
        timePerOutputToken = meter.histogramBuilder("gen_ai.server.time_per_output_token").setUnit("s")
                .setDescription("Time per output token generated after the first token for successful responses")
                .setExplicitBucketBoundariesAdvice(List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
                        0.5, 0.75, 1.0, 2.5))
                .build();
    }

    /**
     * @param streamed what a stream's translators read as it passed, or null (a whole answer, a preserve route's stream)
     * @param operation the conventions' operation name
     * @param provider the target's provider name, or null when no target was tried
     */
    void record(RequestReport report, StreamFacts streamed, String operation, String provider) {
        AttributesBuilder common = Attributes.builder()
                .put(GenAi.OPERATION, operation)
                .put(GenAi.REQUEST_MODEL, report.metricModel())
                .put(GenAi.ROUTE, report.route());
        if (provider != null) {
            common.put(GenAi.PROVIDER, provider);
        }
        Attributes ok = common.build();
        if (report.status() >= 400) {
            common.put(GenAi.ERROR_TYPE, String.valueOf(report.status()));
        }
        duration.record(report.totalMillis() / 1000.0, common.build());
        if (report.status() != 200) {
            return;
        }
        if (report.usage() != null) {
            tokens.record(report.usage().promptTokens(), ok.toBuilder().put(GenAi.TOKEN_TYPE, "input").build());
            tokens.record(report.usage().completionTokens(), ok.toBuilder().put(GenAi.TOKEN_TYPE, "output").build());
        }
        if (!report.stream()) {
            return;
        }
        long output = report.usage() == null ? 0 : report.usage().completionTokens();
        if (streamed != null && streamed.firstEventNanos() >= 0) {
            // from the request's arrival (a failed attempt before included) to its first event, then the
            // time after it shared by the tokens that followed the first
            timeToFirstToken.record(streamed.firstEventNanos() / 1e9, ok);
            if (output > 1) {
                timePerOutputToken.record(streamed.afterFirstEventNanos() / 1e9 / (output - 1), ok);
            }
        } else if (streamed == null) {
            // a preserve route's stream, whose events no translator reads: its head stands for the first token
            timeToFirstToken.record(report.headersMillis() / 1000.0, ok);
            if (output > 1) {
                timePerOutputToken.record((report.totalMillis() - report.headersMillis()) / 1000.0 / (output - 1), ok);
            }
        }
    }
}
