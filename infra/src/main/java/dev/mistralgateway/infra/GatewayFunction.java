package dev.mistralgateway.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;

/**
 * The Lambda function, its log group and the alias {@code live} that every front door calls: the runtime
 * and handler of the build chosen, its variables, SnapStart where it works, and read access to the secrets
 * it reads at run time.
 */
final class GatewayFunction {

    /** The gateway's own handler: Quarkus's stream handler, which primes the request path at start-up. */
    static final String JVM_HANDLER = "dev.mistralgateway.http.LambdaHandler::handleRequest";
    /** The provided runtime runs the native `bootstrap`; Lambda still wants some handler string. */
    static final String NATIVE_HANDLER = "not.used.in.provided.runtime";

    /**
     * CDK's template check (rule E1050) reads a dynamic reference up to the last "}}" of its value, so a JSON
     * config block that closes objects after one looks malformed to it, and it warns on every synth.
     */
    private static final Pattern BRACES_AFTER_DYNAMIC_REFERENCE = Pattern.compile("(?s)\\{\\{resolve:[^}]*}}.*}}");

    private GatewayFunction() {
    }

    static Alias live(Stack stack, GatewaySettings s, GatewayEnv env) {
        boolean jvm = s.runtime() == GatewaySettings.FunctionRuntime.JVM;
        boolean jvm25 = s.runtime() == GatewaySettings.FunctionRuntime.JVM25;
        boolean server = s.frontDoor().streams();
        Path artifact = Path.of(s.artifact());
        if (server) {
            ServerBuild.require(artifact, s.artifact(), jvm);
        } else if (!Files.isRegularFile(artifact)) {
            throw new ConfigurationError("Function artifact " + s.artifact() + " not found: build it first "
                    + "(./mvnw package; ./mvnw package -Pjvm25 for runtime=jvm25; ./mvnw package -Dnative; at the project "
                    + "root) or set -c artifact=...");
        }
        AotCacheZip cache = jvm25 ? AotCacheZip.read(artifact, s.artifact()) : null;
        String arch = architecture(s, cache);
        LogGroup logs = LogGroup.Builder.create(stack, "FunctionLogs").build();
        // RetentionDays is an enum without its number in Java; CloudFormation takes the number itself,
        // already checked against the allowed values in GatewaySettings.
        ((CfnLogGroup) logs.getNode().getDefaultChild()).setRetentionInDays(s.logRetentionDays());

        UpstreamTimeouts.Fitted timeouts = UpstreamTimeouts.fit(env, s);
        SharedStateInfra shared = SharedStateInfra.fromContext(stack, stack.getNode());
        Map<String, String> variables = FunctionVariables.of(s, env, cache, timeouts, shared);
        TracingInfra tracing = TracingInfra.fromContext(stack.getNode(), arch);
        variables.putAll(tracing.variables());
        List<ILayerVersion> layers = new ArrayList<>(tracing.layers(stack));
        if (server) {
            layers.add(0, LayerVersion.fromLayerVersionArn(stack, "WebAdapter", ServerBuild.adapterLayerArn(s.arch())));
        }

        String runtime = s.runtime().name().toLowerCase(Locale.ROOT);
        boolean readsSecretsAtRuntime = env.secrets().stream().anyMatch(SecretReference::atRuntime);
        // The extension authenticates the function by AWS_SESSION_TOKEN, which a SnapStart function does not
        // have (it gets container credentials instead): the two do not work together, so run-time references
        // cost the JVM its SnapStart.
        boolean snapStart = jvm && !readsSecretsAtRuntime;
        Function fn = shared.applyTo(Function.Builder.create(stack, "Function"))
                .description("Mistral AI gateway (" + (server ? runtime + " server, " + s.frontDoor().value : runtime) + ")")
                .runtime(jvm ? Runtime.JAVA_21 : jvm25 ? Runtime.JAVA_25 : Runtime.PROVIDED_AL2023)
                .handler(jvm ? (server ? ServerBuild.SERVER_SCRIPT : JVM_HANDLER) : jvm25 ? JVM_HANDLER : NATIVE_HANDLER)
                .code(Code.fromAsset(artifact.toString()))
                .architecture(arch.equals("x86_64") ? Architecture.X86_64 : Architecture.ARM_64)
                .memorySize(s.memoryMb())
                .timeout(Duration.seconds(s.timeoutSeconds()))
                // Both a cap and a guarantee: a runaway client cannot take the account's whole concurrency, and
                // other functions cannot take this one's. Beyond it Lambda throttles, and the caller gets an error.
                .reservedConcurrentExecutions(s.reservedConcurrency())
                .environment(variables)
                .logGroup(logs)
                .layers(layers.isEmpty() ? null : layers)
                .tracing(tracing.mode())
                .paramsAndSecrets(readsSecretsAtRuntime ? SecretGrants.secretsExtension() : null)
                // SnapStart restores a snapshot of the started JVM: cold starts drop from seconds to
                // well under one. It applies to published versions only, hence the alias below. With the
                // adapter, the snapshot holds the started server too (see docs/deploying.md, "Streaming on AWS").
                .snapStart(snapStart ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                .build();
        warnings(fn, s, cache, timeouts, jvm, snapStart, variables);
        SecretGrants.grant(stack, fn, env);
        // The API calls the alias, so it always reaches a published (and, on the JVM, snapshotted) version.
        return Alias.Builder.create(stack, "Live").aliasName("live").version(fn.getCurrentVersion()).build();
    }

    /** The function's architecture: the one asked for, else the one the AOT cache was made on (it works there only). */
    private static String architecture(GatewaySettings s, AotCacheZip cache) {
        if (cache != null && !s.archSet()) {
            return cache.arch();
        }
        if (cache != null && !s.arch().equals(cache.arch())) {
            throw new ConfigurationError("arch=" + s.arch() + ", but the AOT cache in " + s.artifact() + " was made on "
                    + cache.arch() + " and works on that architecture only: deploy with -c arch=" + cache.arch()
                    + ", or build the zip on an " + s.arch() + " machine");
        }
        return s.arch();
    }

    private static void warnings(Function fn, GatewaySettings s, AotCacheZip cache, UpstreamTimeouts.Fitted timeouts,
            boolean jvm, boolean snapStart, Map<String, String> variables) {
        timeouts.warnings()
                .forEach(warning -> Annotations.of(fn).addWarningV2("mistral-gateway:upstreamTimeoutTooLong", warning));
        if (cache != null) {
            Annotations.of(fn).addWarningV2("mistral-gateway:aotCacheJvmBuild", "The AOT cache in " + s.artifact()
                    + " was made by " + cache.jdk() + " on " + cache.arch() + ". The java25 runtime uses it only if it runs "
                    + "that very JVM build (Amazon Corretto 25, in the version of the runtime's release); otherwise the "
                    + "function starts without it, and its log shows [aot] warnings. See docs/cold-start-and-native.md.");
        }
        if (jvm && !snapStart) {
            Annotations.of(fn).addWarningV2("mistral-gateway:noSnapStartWithRuntimeSecrets",
                    "SnapStart is off: gateway.env has {{aws-secret:...}} or {{aws-ssm:...}} references, read through the "
                            + "AWS Parameters and Secrets Lambda Extension, which does not work with SnapStart. Cold starts take "
                            + "seconds; use the native build, or {{secretsmanager:...}} references read at deploy time, to keep "
                            + "them short.");
        }
        if (snapStart) {
            // CDK warns in case no version gets published; the alias below publishes fn.getCurrentVersion().
            Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "the alias 'live' publishes the current version");
        }
        if (variables.values().stream().anyMatch(value -> BRACES_AFTER_DYNAMIC_REFERENCE.matcher(value).find())) {
            Validations.of(fn).acknowledge(Acknowledgment.builder().id("CloudFormation-Validate::E1050")
                    .reason("a pasted JSON config block closes objects (\"}}\") after a {{resolve:...}}; CloudFormation ends "
                            + "the reference at its first \"}}\" (it takes several references in one value), the check at the last")
                    .build());
        }
    }
}
