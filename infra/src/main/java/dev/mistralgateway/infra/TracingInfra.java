package dev.mistralgateway.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Tracing;
import software.constructs.Node;

/**
 * Where the gateway's OpenTelemetry traces and metrics go (its QUARKUS_OTEL_* variables; without them it
 * exports nothing): nowhere by default; {@code -c tracing=xray}, to AWS X-Ray through the ADOT collector
 * layer, an extension on localhost that the function hands its spans to before each invocation ends, with
 * active tracing and the X-Ray IAM it needs; or {@code -c otlpEndpoint=https://...}, to any OTLP/HTTP
 * backend, its headers (API keys) as {@code -c otlpHeaders={{secretsmanager:NAME[:KEY]}}}, a secret read
 * at deploy time, never written into the template.
 */
final class TracingInfra {

    /**
     * The ADOT collector layer, published by AWS in account 901920570463 of each region; another version
     * with {@code -c adotLayerArn=...}. Its default configuration takes OTLP on localhost:4318 and sends
     * traces to X-Ray.
     */
    static final String ADOT_LAYER = "arn:aws:lambda:${AWS::Region}:901920570463:layer:aws-otel-collector-%s-ver-0-102-1:1";

    /** Where the collector extension listens for OTLP over HTTP. */
    static final String LOCAL_COLLECTOR = "http://localhost:4318";

    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<String> layerArns = new ArrayList<>();
    private boolean xray;

    private TracingInfra() {
    }

    static TracingInfra fromContext(Node node, String arch) {
        String tracing = text(node, "tracing", "none");
        String endpoint = text(node, "otlpEndpoint", "");
        String headers = text(node, "otlpHeaders", "");
        TracingInfra infra = new TracingInfra();
        if (!headers.isEmpty() && endpoint.isEmpty()) {
            throw new ConfigurationError("otlpHeaders are the headers of -c otlpEndpoint=...: set that too");
        }
        switch (tracing) {
            case "none" -> {
                if (!endpoint.isEmpty()) {
                    infra.otlp(endpoint, headers);
                }
            }
            case "xray" -> {
                if (!endpoint.isEmpty()) {
                    throw new ConfigurationError("tracing=xray sends traces to the ADOT collector on localhost: leave "
                            + "otlpEndpoint unset, or use -c otlpEndpoint=... without tracing");
                }
                infra.xray(text(node, "adotLayerArn", Fn.sub(String.format(ADOT_LAYER,
                        arch.equals("x86_64") ? "amd64" : "arm64"))));
            }
            default -> throw new ConfigurationError("tracing must be none or xray, not " + tracing
                    + " (for another OTLP backend, use -c otlpEndpoint=https://...)");
        }
        return infra;
    }

    private void otlp(String endpoint, String headers) {
        if (!endpoint.matches("https?://[^\\s/@]+(:\\d+)?(/\\S*)?")) {
            throw new ConfigurationError("otlpEndpoint must be an http:// or https:// URL without credentials in it "
                    + "(give them as -c otlpHeaders={{secretsmanager:NAME[:KEY]}}), not "
                    + endpoint.replaceAll("//[^@/]*@", "//...@"));
        }
        variables.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        variables.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        if (!headers.isEmpty()) {
            List<SecretReference> found = new ArrayList<>();
            String resolved = SecretReference.resolve(headers, "otlpHeaders", found);
            if (found.isEmpty() || found.stream().anyMatch(SecretReference::atRuntime) || !headers.startsWith("{{")
                    || !headers.endsWith("}}")) {
                throw new ConfigurationError("otlpHeaders must be a secret reference read at deploy time, "
                        + "{{secretsmanager:NAME[:KEY]}}, whose value is the headers as name=value,name=value: "
                        + "Quarkus reads QUARKUS_OTEL_EXPORTER_OTLP_HEADERS itself, and a key must not stand in the template");
            }
            variables.put("QUARKUS_OTEL_EXPORTER_OTLP_HEADERS", resolved);
        }
    }

    private void xray(String layerArn) {
        xray = true;
        layerArns.add(layerArn);
        variables.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", LOCAL_COLLECTOR);
        variables.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    }

    /** The function's variables for its traces and metrics (none without a destination). */
    Map<String, String> variables() {
        return variables;
    }

    /** The collector layer, when there is one. */
    List<ILayerVersion> layers(Stack stack) {
        return layerArns.stream().map(arn -> LayerVersion.fromLayerVersionArn(stack, "OtelCollector", arn)).toList();
    }

    /** Active for X-Ray, which also grants the function xray:PutTraceSegments and PutTelemetryRecords. */
    Tracing mode() {
        return xray ? Tracing.ACTIVE : null;
    }

    private static String text(Node node, String key, String otherwise) {
        Object value = node.tryGetContext(key);
        return value == null ? otherwise : value.toString().strip();
    }
}
