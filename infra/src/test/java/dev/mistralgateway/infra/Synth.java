package dev.mistralgateway.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesizes a GatewayStack for a test from a gateway.env text and context values, with tiny generated
 * artifacts: the tests never need the real ../target/function.zip, ../target/quarkus-app or
 * ../target/function-server.zip. The fakes of the server build sit under the test's target/ folder,
 * laid out as the root build lays out the real ones.
 */
final class Synth {

    /** The seed route of the README, its key given as a Secrets Manager reference. */
    static final String SEED_ENV = """
            AI_PROXY_ROUTES_0__PATHS=/mistral-chat
            AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE=llm/v1/chat
            AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME=Authorization
            AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE=Bearer {{secretsmanager:mistral/api-key}}
            AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER=mistral
            AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME=mistral-tiny
            AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT=openai
            AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL=https://api.mistral.ai/v1/chat/completions
            """;

    private final Path dir;
    private String env = SEED_ENV;
    private final Map<String, Object> context = new HashMap<>();

    Synth(Path dir) {
        this.dir = dir;
    }

    Synth env(String text) {
        this.env = text;
        return this;
    }

    Synth context(String key, Object value) {
        context.put(key, value);
        return this;
    }

    Template template() {
        return Template.fromStack(stack());
    }

    GatewayStack stack() {
        return new GatewayStack(app(), "TestGateway", StackProps.builder().build());
    }

    /** The CDK app, its context holding the gateway.env text's file, a fake artifact and the context values given. */
    App app() {
        try {
            Path config = Files.writeString(dir.resolve("gateway.env"), env);
            Map<String, Object> all = new HashMap<>(Map.of("config", config.toString(), "artifact", fakeArtifact().toString()));
            all.putAll(context);
            return new App(AppProps.builder().context(all).outdir(dir.resolve("cdk.out").toString()).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The texts of the warnings that synthesizing {@code stack} prints. */
    static java.util.List<String> warnings(GatewayStack stack) {
        return Annotations.fromStack(stack).findWarning("*", Match.anyValue()).stream()
                .map(message -> String.valueOf(message.getEntry().getData())).toList();
    }

    /** The environment variables of the stack's one function, as the template holds them. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> variables(Template template) {
        Map<String, Map<String, Object>> functions = (Map<String, Map<String, Object>>) (Map<String, ?>) template
                .findResources("AWS::Lambda::Function");
        if (functions.size() != 1) {
            throw new IllegalStateException("expected one function, found " + functions.keySet());
        }
        Map<String, Object> properties = (Map<String, Object>) functions.values().iterator().next().get("Properties");
        return (Map<String, Object>) ((Map<String, Object>) properties.get("Environment")).get("Variables");
    }

    /**
     * The rules that CDK's own template check ("CloudFormation Validate") found broken, unacknowledged, in the
     * last synth in {@code dir}: it prints them as warnings at every synth and deploy.
     */
    static java.util.List<String> validationViolations(Path dir) {
        Path report = dir.resolve("cdk.out/validation-report.json");
        if (!Files.exists(report)) {
            return java.util.List.of();
        }
        try {
            java.util.List<String> rules = new java.util.ArrayList<>();
            new ObjectMapper().readTree(report.toFile()).path("pluginReports").forEach(plugin -> plugin.path("violations")
                    .forEach(violation -> rules
                            .add(violation.path("ruleName").asText() + ": " + violation.path("description").asText())));
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template as JSON text, to search it for anything that must not be there. */
    static String json(Template template) {
        try {
            return new ObjectMapper().writeValueAsString(template.toJSON());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The artifact the context's front door and runtime deploy, as GatewaySettings.defaultArtifact names it. */
    private Path fakeArtifact() throws IOException {
        String door = String.valueOf(context.getOrDefault("frontDoor", "http-api")).toLowerCase(Locale.ROOT);
        if (!door.equals("rest-stream") && !door.equals("url-stream")) {
            return String.valueOf(context.getOrDefault("runtime", "jvm")).equalsIgnoreCase("jvm25")
                    ? jvm25Zip("x86_64")
                    : functionZip();
        }
        return String.valueOf(context.getOrDefault("runtime", "jvm")).equalsIgnoreCase("native") ? fakeServerZip()
                : fakeServerDir();
    }

    /** Like target/quarkus-app of `./mvnw package -Pserver`: the jar and an executable run.sh. */
    Path fakeServerDir() throws IOException {
        Path app = Files.createDirectories(dir.resolve("target/quarkus-app"));
        Path script = app.resolve("run.sh");
        if (!Files.exists(script)) {
            Files.writeString(app.resolve("quarkus-run.jar"), "not a jar");
            Files.writeString(script, "#!/bin/sh\nexec java -jar quarkus-run.jar\n");
            script.toFile().setExecutable(true);
        }
        return app;
    }

    /** Like target/function-server.zip of the native workflow: a bootstrap at its top. */
    Path fakeServerZip() throws IOException {
        Path zip = Files.createDirectories(dir.resolve("target")).resolve("function-server.zip");
        if (!Files.exists(zip)) {
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("bootstrap"));
                out.write("#!/bin/sh\nexec ./gateway-server\n".getBytes());
                out.closeEntry();
            }
        }
        return zip;
    }

    /**
     * Like target/function-jvm25.zip of `./mvnw package -Pjvm25`: the exec wrapper, a cache, and the release file of
     * a JDK that ran on {@code osArch} (as a JDK names it: x86_64, aarch64).
     */
    Path jvm25Zip(String osArch) throws IOException {
        Path zip = Files.createDirectories(dir.resolve("target")).resolve("function-jvm25-" + osArch + ".zip");
        if (!Files.exists(zip)) {
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("java25/launch"));
                out.write("#!/bin/sh\nexec \"$@\"\n".getBytes());
                out.putNextEntry(new ZipEntry("java25/app.aot"));
                out.write(new byte[] { 1, 2, 3 });
                out.putNextEntry(new ZipEntry("java25/jdk.release"));
                out.write(("IMPLEMENTOR=\"Amazon.com Inc.\"\nJAVA_RUNTIME_VERSION=\"25.0.4+7-LTS\"\nOS_ARCH=\"" + osArch
                        + "\"\n").getBytes());
                out.closeEntry();
            }
        }
        return zip;
    }

    /** Like target/function.zip: a zip, whose content the JVM and native functions do not check. */
    Path functionZip() throws IOException {
        Path zip = dir.resolve("function.zip");
        if (!Files.exists(zip)) {
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("bootstrap"));
                out.write("#!/bin/sh\n".getBytes());
                out.closeEntry();
            }
        }
        return zip;
    }
}
