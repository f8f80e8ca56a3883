package dev.mistralgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** OpenTelemetry's SDK is off until an OTLP endpoint is configured, by Quarkus's variables or the standard ones. */
class OtelSwitchSourceTest {

    private static String disabled(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(env, 300))
                // Quarkus's own default endpoint, at a default's ordinal: it configures nothing
                .withSources(new PropertiesConfigSource(Map.of("quarkus.otel.exporter.otlp.endpoint",
                        "http://localhost:4317/"), "defaults", Integer.MIN_VALUE))
                .withSources(new OtelSwitchSource())
                .build().getRawValue(OtelSwitchSource.PROPERTY);
    }

    @Test
    void offWithoutAnEndpoint() {
        assertEquals("true", disabled(Map.of()));
        assertEquals("true", disabled(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", " ")));
    }

    @Test
    void onWithAnyEndpointVariable() {
        for (String name : new String[] { "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "QUARKUS_OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" }) {
            assertEquals("false", disabled(Map.of(name, "http://localhost:4318")), name);
        }
    }

    @Test
    void anExplicitSwitchWins() {
        assertEquals("true", disabled(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318",
                "QUARKUS_OTEL_SDK_DISABLED", "true")));
        assertEquals("false", disabled(Map.of("QUARKUS_OTEL_SDK_DISABLED", "false")));
    }
}
