package dev.mistralgateway.config;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Keeps OpenTelemetry's SDK off ({@code quarkus.otel.sdk.disabled}) until an OTLP endpoint is
 * configured: Quarkus's own default endpoint is {@code localhost:4317}, so without this every
 * function and server would batch spans and try to send them there. With the SDK off, Quarkus
 * hands out a no-op OpenTelemetry: nothing is recorded, nothing is sent.
 *
 * <p>
 * An endpoint is any of Quarkus's ({@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}, or its
 * {@code _TRACES_} / {@code _METRICS_} variants) or the standard {@code OTEL_EXPORTER_OTLP_*}
 * variables, which Quarkus reads as fallbacks. An explicit {@code QUARKUS_OTEL_SDK_DISABLED} wins:
 * this source's ordinal is below {@code application.properties} and the environment.
 *
 * <p>
 * As {@link ServerBodyLimitSource} explains, Quarkus also runs a factory at build time and keeps
 * its value as a default of the run; the value is therefore always written, true or false, so what
 * the build saw never decides the run.
 */
public class OtelSwitchSource implements ConfigSourceFactory {

    public static final String PROPERTY = "quarkus.otel.sdk.disabled";

    static final List<String> ENDPOINTS = List.of(
            "quarkus.otel.exporter.otlp.endpoint",
            "quarkus.otel.exporter.otlp.traces.endpoint",
            "quarkus.otel.exporter.otlp.metrics.endpoint",
            "otel.exporter.otlp.endpoint",
            "otel.exporter.otlp.traces.endpoint",
            "otel.exporter.otlp.metrics.endpoint");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean configured = ENDPOINTS.stream().anyMatch(name -> isSet(context.getValue(name)));
        return List.of(new PropertiesConfigSource(Map.of(PROPERTY, Boolean.toString(!configured)),
                "OtelSwitchSource[off until QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT is set]", ServerBodyLimitSource.ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ServerBodyLimitSource.ORDINAL);
    }

    /**
     * Set by someone: Quarkus's own default ({@code localhost:4317}) comes from a source of the
     * lowest ordinals, which a factory sees too; every source a person writes is 100 or above.
     */
    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= 100;
    }
}
