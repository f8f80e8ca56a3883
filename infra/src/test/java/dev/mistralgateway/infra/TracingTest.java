package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Traces and metrics: exported nowhere by default, to X-Ray through the ADOT collector, or to any OTLP backend. */
class TracingTest {

    @TempDir
    Path dir;

    @Test
    void withoutContextNothingIsExportedAndTracingIsNotActive() {
        Template t = new Synth(dir).template();
        Map<String, Object> variables = Synth.variables(t);
        assertFalse(variables.keySet().stream().anyMatch(name -> name.startsWith("QUARKUS_OTEL_")), variables.toString());
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("TracingConfig", Match.absent(), "Layers", Match.absent()));
    }

    @Test
    void xrayAddsTheAdotCollectorLayerActiveTracingAndItsPermissions() {
        Template t = new Synth(dir).context("tracing", "xray").template();
        Map<String, Object> variables = Synth.variables(t);
        assertEquals("http://localhost:4318", variables.get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"));
        assertEquals("http/protobuf", variables.get("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL"));
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("TracingConfig", Map.of("Mode", "Active"),
                "Layers", List.of(Map.of("Fn::Sub",
                        "arn:aws:lambda:${AWS::Region}:901920570463:layer:aws-otel-collector-arm64-ver-0-102-1:1"))));
        t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                Map.of("Action", List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
                        "Effect", "Allow", "Resource", "*"))))));
        assertEquals(List.of(), Synth.validationViolations(dir));
    }

    @Test
    void xrayOnX86TakesTheAmd64LayerAndAnotherVersionMayBeGiven() {
        Template x86 = new Synth(dir).context("tracing", "xray").context("arch", "x86_64").template();
        assertTrue(Synth.json(x86).contains("aws-otel-collector-amd64-ver-0-102-1:1"));
        String own = "arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-collector-arm64-ver-0-117-0:1";
        Template given = new Synth(dir).context("tracing", "xray").context("adotLayerArn", own).template();
        given.hasResourceProperties("AWS::Lambda::Function", Map.of("Layers", List.of(own)));
    }

    @Test
    void anOtlpEndpointWithItsHeadersAsADeployTimeSecretReference() {
        Template t = new Synth(dir).context("otlpEndpoint", "https://otlp.eu01.nr-data.net:4318")
                .context("otlpHeaders", "{{secretsmanager:gateway/otlp:headers}}").template();
        Map<String, Object> variables = Synth.variables(t);
        assertEquals("https://otlp.eu01.nr-data.net:4318", variables.get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"));
        assertEquals("http/protobuf", variables.get("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL"));
        assertEquals("{{resolve:secretsmanager:gateway/otlp:SecretString:headers}}",
                variables.get("QUARKUS_OTEL_EXPORTER_OTLP_HEADERS"));
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("TracingConfig", Match.absent()));
        assertEquals(List.of(), Synth.validationViolations(dir));
    }

    @Test
    void mistakesAreRefusedWithWhatToSet() {
        var plain = assertThrows(IllegalArgumentException.class, () -> new Synth(dir)
                .context("otlpEndpoint", "https://api.honeycomb.io").context("otlpHeaders", "x-honeycomb-team=hc-secret-1")
                .stack());
        assertTrue(plain.getMessage().startsWith("otlpHeaders must be a secret reference read at deploy time"),
                plain.getMessage());
        assertFalse(plain.getMessage().contains("hc-secret-1"));
        var inUrl = assertThrows(IllegalArgumentException.class, () -> new Synth(dir)
                .context("otlpEndpoint", "https://user:hc-secret-2@api.honeycomb.io").stack());
        assertFalse(inUrl.getMessage().contains("hc-secret-2"), inUrl.getMessage());
        var both = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("tracing", "xray")
                .context("otlpEndpoint", "https://api.honeycomb.io").stack());
        assertTrue(both.getMessage().startsWith("tracing=xray sends traces to the ADOT collector"), both.getMessage());
        var kind = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("tracing", "jaeger").stack());
        assertTrue(kind.getMessage().startsWith("tracing must be none or xray"), kind.getMessage());
        var headersAlone = assertThrows(IllegalArgumentException.class, () -> new Synth(dir)
                .context("otlpHeaders", "{{secretsmanager:gateway/otlp:headers}}").stack());
        assertTrue(headersAlone.getMessage().startsWith("otlpHeaders are the headers of -c otlpEndpoint"),
                headersAlone.getMessage());
    }
}
