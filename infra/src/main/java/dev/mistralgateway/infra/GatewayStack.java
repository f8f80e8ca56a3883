package dev.mistralgateway.infra;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.ResponseTransferMode;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.InvokeMode;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsLayerVersion;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsLogLevel;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsOptions;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsVersions;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The gateway: one Lambda function and the front door that calls it, chosen by {@code frontDoor}:
 * <ul>
 * <li>{@code http-api} (default): the Lambda build (JVM with SnapStart, java25 with an AOT cache, or native) behind an API Gateway HTTP
 * API with one POST route per configured path, and GET on the model list; answers are buffered;</li>
 * <li>{@code rest-stream}: the plain-HTTP server build behind the AWS Lambda Web Adapter, called by an API
 * Gateway REST API whose Lambda proxy integrations stream;</li>
 * <li>{@code url-stream}: the same server build behind a Function URL in RESPONSE_STREAM mode.</li>
 * </ul>
 * All three have access control, log retention, read access to the secrets read at run time and a 5xx alarm;
 * the two APIs are throttled.
 */
public class GatewayStack extends Stack {

    /** The gateway's own handler: Quarkus's stream handler, which primes the request path at start-up. */
    static final String JVM_HANDLER = "dev.mistralgateway.http.LambdaHandler::handleRequest";
    /** The provided runtime runs the native `bootstrap`; Lambda still wants some handler string. */
    static final String NATIVE_HANDLER = "not.used.in.provided.runtime";
    /** With the adapter's exec wrapper, the java21 runtime starts this script of the server build instead of a handler. */
    static final String SERVER_SCRIPT = "run.sh";

    /** The AWS account that publishes the AWS Lambda Web Adapter layers in every commercial region. */
    static final String ADAPTER_ACCOUNT = "753240598075";
    /**
     * Version of both adapter layers (LambdaAdapterLayerArm64, LambdaAdapterLayerX86): 30 is adapter release
     * 1.1.0, the first with SnapStart support. Both architectures share the number; bump it deliberately.
     */
    static final int ADAPTER_LAYER_VERSION = 30;
    /** The server listens here and the adapter forwards to it. */
    static final String SERVER_PORT = "8080";
    /** Stage of the REST API, the first segment of its URL's path. */
    static final String REST_STAGE = "prod";

    /**
     * CDK's template check (rule E1050) reads a dynamic reference up to the last "}}" of its value, so a JSON
     * config block that closes objects after one looks malformed to it, and it warns on every synth.
     */
    private static final Pattern BRACES_AFTER_DYNAMIC_REFERENCE = Pattern.compile("(?s)\\{\\{resolve:[^}]*}}.*}}");

    public GatewayStack(Construct scope, String id, StackProps props) {
        super(scope, id, props);
        GatewaySettings settings = GatewaySettings.fromContext(getNode());
        GatewayEnv env = GatewayEnv.load(Path.of(settings.config()));

        Alias live = function(settings, env);
        switch (settings.frontDoor()) {
            case HTTP_API -> {
                HttpApi api = api(settings, env, live);
                MetricOptions sum = fiveMinuteSum();
                alarm(settings, api.metricServerError(sum), api.metricCount(sum));
            }
            case REST_STREAM -> restApi(settings, env, live);
            case URL_STREAM -> functionUrl(settings, env, live);
        }
    }

    private Alias function(GatewaySettings s, GatewayEnv env) {
        boolean jvm = s.runtime() == GatewaySettings.FunctionRuntime.JVM;
        boolean jvm25 = s.runtime() == GatewaySettings.FunctionRuntime.JVM25;
        boolean server = s.frontDoor().streams();
        Path artifact = Path.of(s.artifact());
        if (server) {
            requireServerBuild(artifact, s.artifact(), jvm);
        } else if (!Files.isRegularFile(artifact)) {
            throw new ConfigurationError("Function artifact " + s.artifact() + " not found: build it first "
                    + "(./mvnw package; ./mvnw package -Pjvm25 for runtime=jvm25; ./mvnw package -Dnative; at the project "
                    + "root) or set -c artifact=...");
        }
        AotCacheZip cache = jvm25 ? AotCacheZip.read(artifact, s.artifact()) : null;
        String arch = s.arch();
        if (cache != null && !s.archSet()) {
            arch = cache.arch();
        } else if (cache != null && !arch.equals(cache.arch())) {
            throw new ConfigurationError("arch=" + arch + ", but the AOT cache in " + s.artifact() + " was made on "
                    + cache.arch() + " and works on that architecture only: deploy with -c arch=" + cache.arch()
                    + ", or build the zip on an " + arch + " machine");
        }
        LogGroup logs = LogGroup.Builder.create(this, "FunctionLogs").build();
        // RetentionDays is an enum without its number in Java; CloudFormation takes the number itself,
        // already checked against the allowed values in GatewaySettings.
        ((CfnLogGroup) logs.getNode().getDefaultChild()).setRetentionInDays(s.logRetentionDays());

        Map<String, String> variables = new LinkedHashMap<>();
        if (server) {
            variables.putAll(adapterVariables(jvm));
        } else if (!jvm) {
            // As in Quarkus's generated sam.native.yaml: the native image must not install signal handlers.
            variables.put("DISABLE_SIGNAL_HANDLERS", "true");
        }
        variables.putAll(env.variables());
        if (cache != null) {
            variables.put("AWS_LAMBDA_EXEC_WRAPPER", AotCacheZip.VARIABLES.get("AWS_LAMBDA_EXEC_WRAPPER"));
            // gateway.env's own JAVA_TOOL_OPTIONS, if any, come after the cache's and may override it
            String own = env.variables().get("JAVA_TOOL_OPTIONS");
            variables.put("JAVA_TOOL_OPTIONS", AotCacheZip.VARIABLES.get("JAVA_TOOL_OPTIONS") + (own == null ? "" : " " + own));
        }
        if (server) {
            variables.putAll(streamTimeLimits(env, s.timeoutSeconds()));
        }
        UpstreamTimeouts.Fitted timeouts = UpstreamTimeouts.fit(env, s);
        variables.putAll(timeouts.variables());
        variables.putAll(FrontDoorAuth.variables(env, s));
        SharedStateInfra shared = SharedStateInfra.fromContext(this, getNode());
        variables.putAll(shared.variables());
        TracingInfra tracing = TracingInfra.fromContext(getNode(), arch);
        variables.putAll(tracing.variables());
        List<ILayerVersion> layers = new java.util.ArrayList<>(tracing.layers(this));
        if (server) {
            layers.add(0, LayerVersion.fromLayerVersionArn(this, "WebAdapter", adapterLayerArn(s.arch())));
        }

        String runtime = s.runtime().name().toLowerCase(Locale.ROOT);
        boolean readsSecretsAtRuntime = env.secrets().stream().anyMatch(SecretReference::atRuntime);
        // The extension authenticates the function by AWS_SESSION_TOKEN, which a SnapStart function does not
        // have (it gets container credentials instead): the two do not work together, so run-time references
        // cost the JVM its SnapStart.
        boolean snapStart = jvm && !readsSecretsAtRuntime;
        Function fn = shared.applyTo(Function.Builder.create(this, "Function"))
                .description("Mistral AI gateway (" + (server ? runtime + " server, " + s.frontDoor().value : runtime) + ")")
                .runtime(jvm ? Runtime.JAVA_21 : jvm25 ? Runtime.JAVA_25 : Runtime.PROVIDED_AL2023)
                .handler(jvm ? (server ? SERVER_SCRIPT : JVM_HANDLER) : jvm25 ? JVM_HANDLER : NATIVE_HANDLER)
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
                .paramsAndSecrets(readsSecretsAtRuntime ? secretsExtension() : null)
                // SnapStart restores a snapshot of the started JVM: cold starts drop from seconds to
                // well under one. It applies to published versions only, hence the alias below. With the
                // adapter, the snapshot holds the started server too (see README, "Streaming").
                .snapStart(snapStart ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                .build();
        timeouts.warnings().forEach(warning -> Annotations.of(fn).addWarningV2("mistral-gateway:upstreamTimeoutTooLong", warning));
        if (cache != null) {
            Annotations.of(fn).addWarningV2("mistral-gateway:aotCacheJvmBuild", "The AOT cache in " + s.artifact()
                    + " was made by " + cache.jdk() + " on " + cache.arch() + ". The java25 runtime uses it only if it runs "
                    + "that very JVM build (Amazon Corretto 25, in the version of the runtime's release); otherwise the "
                    + "function starts without it, and its log shows [aot] warnings. See README, \"Cold start\".");
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
        grantSecrets(fn, env);
        // The API calls the alias, so it always reaches a published (and, on the JVM, snapshotted) version.
        return Alias.Builder.create(this, "Live").aliasName("live").version(fn.getCurrentVersion()).build();
    }

    /**
     * The AWS Parameters and Secrets Lambda Extension, from which the gateway reads {@code {{aws-secret:...}}} and
     * {@code {{aws-ssm:...}}} references on its local endpoint. CDK picks the layer of the function's region and
     * architecture. Its own cache is off: the gateway keeps each value for AI_PROXY_SECRETS_TTL, and a second
     * cache in front of it would only delay a rotated key by another TTL.
     */
    private static ParamsAndSecretsLayerVersion secretsExtension() {
        return ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103,
                ParamsAndSecretsOptions.builder().cacheEnabled(false).logLevel(ParamsAndSecretsLogLevel.WARN).build());
    }

    /**
     * The adapter's settings. It runs as a Lambda extension from the layer, waits until the server answers
     * its readiness check, then turns each invocation into an HTTP request to the server and streams the
     * answer back. On java21 the exec wrapper makes the runtime start run.sh (the server) instead of a Java
     * handler; on provided.al2023 the runtime starts the zip's own bootstrap, so no wrapper is needed.
     */
    static Map<String, String> adapterVariables(boolean jvm) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (jvm) {
            variables.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
        }
        variables.put("AWS_LWA_INVOKE_MODE", "response_stream");
        variables.put("AWS_LWA_PORT", SERVER_PORT);
        variables.put("QUARKUS_HTTP_PORT", SERVER_PORT);
        variables.put("AWS_LWA_READINESS_CHECK_PATH", "/q/health/ready");
        return variables;
    }

    /**
     * A streaming function that reaches its timeout is cut off without a word. So every route that
     * gateway.env leaves without a stream time limit ends its streams 5 s before the timeout (1 s
     * for very short ones), with an error event that tells the client why.
     */
    static Map<String, String> streamTimeLimits(GatewayEnv env, int timeoutSeconds) {
        Map<String, String> limits = new LinkedHashMap<>();
        String seconds = String.valueOf(timeoutSeconds > 10 ? timeoutSeconds - 5 : Math.max(1, timeoutSeconds - 1));
        for (int route : env.routes()) {
            String name = "AI_PROXY_ROUTES_" + route + "__MAX_STREAM_SECONDS";
            if (!env.variables().containsKey(name)) {
                limits.put(name, seconds);
            }
        }
        return limits;
    }

    /** The adapter layer for the function's architecture, in the deployment's region. */
    static String adapterLayerArn(String arch) {
        String name = arch.equals("x86_64") ? "LambdaAdapterLayerX86" : "LambdaAdapterLayerArm64";
        return Fn.sub("arn:aws:lambda:${AWS::Region}:" + ADAPTER_ACCOUNT + ":layer:" + name + ":" + ADAPTER_LAYER_VERSION);
    }

    /**
     * The server build must hold its start script: run.sh (JVM, started by the adapter's exec wrapper) or
     * bootstrap (native, started by the provided runtime). A directory or a zip will do.
     */
    private static void requireServerBuild(Path artifact, String name, boolean jvm) {
        String entry = jvm ? SERVER_SCRIPT : "bootstrap";
        String build = jvm
                ? "./mvnw package -Pserver at the project root, which writes target/quarkus-app with its run.sh"
                : "the native server build, function-server.zip, made by the native GitHub workflow (.github/workflows/native.yml); "
                        + "put it in target/";
        if (Files.isDirectory(artifact)) {
            Path script = artifact.resolve(entry);
            if (!Files.isRegularFile(script)) {
                throw new ConfigurationError("Server build " + name + " has no " + entry + ": it is not the server build. "
                        + "Build it with " + build + ", or set -c artifact=...");
            }
            if (!Files.isExecutable(script)) {
                throw new ConfigurationError(name + "/" + entry + " is not executable; Lambda runs it directly: "
                        + "chmod +x it, or rebuild with " + build);
            }
        } else if (Files.isRegularFile(artifact)) {
            try (ZipFile zip = new ZipFile(artifact.toFile())) {
                if (zip.getEntry(entry) == null) {
                    throw new ConfigurationError("Server build " + name + " holds no " + entry + " at its top: "
                            + "it is not the server build. Build it with " + build + ", or set -c artifact=...");
                }
            } catch (IOException e) {
                throw new ConfigurationError("Server build " + name + " is neither a folder nor a readable zip: " + e.getMessage());
            }
        } else {
            throw new ConfigurationError("Server build " + name + " not found: build it first (" + build
                    + ") or set -c artifact=...");
        }
    }

    /**
     * Read access to exactly the secrets and parameters that the gateway reads at run time. References read at
     * deploy time get none: CloudFormation resolves them with the deployer's rights, and the function, which
     * only ever sees their values, must not be able to read the secret store itself.
     */
    private void grantSecrets(Function fn, GatewayEnv env) {
        // Insertion order keeps construct ids, and so the template, stable from one synth to the next.
        Map<String, SecretReference> distinct = new LinkedHashMap<>();
        env.secrets().stream().filter(SecretReference::atRuntime)
                .forEach(ref -> distinct.putIfAbsent(ref.kind() + " " + ref.id(), ref));
        int n = 0;
        for (SecretReference ref : distinct.values()) {
            String id = "Referenced" + (n++);
            switch (ref.kind()) {
                case SECRETS_MANAGER -> (ref.id().startsWith("arn:")
                        ? Secret.fromSecretCompleteArn(this, id, ref.id())
                        : Secret.fromSecretNameV2(this, id, ref.id())).grantRead(fn);
                // Not StringParameter.fromStringParameterName(..).grantRead: it adds an unused template parameter.
                case SSM_PARAMETER -> fn.addToRolePolicy(PolicyStatement.Builder.create()
                        .actions(List.of("ssm:GetParameter", "ssm:GetParameters"))
                        .resources(List.of(Arn.format(ArnComponents.builder()
                                .service("ssm")
                                .resource("parameter")
                                .resourceName(ref.id().replaceFirst("^/", ""))
                                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                                .build(), this)))
                        .build());
            }
        }
    }

    private HttpApi api(GatewaySettings s, GatewayEnv env, Alias live) {
        // No automatic default stage: ours carries the throttling.
        HttpApi api = HttpApi.Builder.create(this, "Api")
                .description("Mistral AI gateway")
                .createDefaultStage(false)
                .build();
        HttpStage stage = HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(s.throttleRate()).burstLimit(s.throttleBurst()).build())
                .build();

        HttpLambdaIntegration integration = HttpLambdaIntegration.Builder.create("Gateway", live).build();
        IHttpRouteAuthorizer authorizer = authorizer(s);
        for (String path : env.paths()) {
            route(api, HttpMethod.POST, path, integration, authorizer);
        }
        // the model list (and one model of it: OpenAI's /v1/models/{id}) is the gateway's one GET
        env.modelsPath().ifPresent(models -> {
            route(api, HttpMethod.GET, models, integration, authorizer);
            route(api, HttpMethod.GET, models + "/{id}", integration, authorizer);
        });
        CfnOutput.Builder.create(this, "ApiUrl")
                .description("HTTPS endpoint of the gateway; POST to " + String.join(", ", env.paths()) + " under it")
                .value(stage.getUrl())
                .build();
        return api;
    }

    private static void route(HttpApi api, HttpMethod method, String path, HttpLambdaIntegration integration,
            IHttpRouteAuthorizer authorizer) {
        api.addRoutes(AddRoutesOptions.builder()
                .path(path)
                .methods(List.of(method))
                .integration(integration)
                .authorizer(authorizer)
                .build());
    }

    private static IHttpRouteAuthorizer authorizer(GatewaySettings s) {
        return switch (s.auth()) {
            case IAM -> new HttpIamAuthorizer();
            case JWT -> HttpJwtAuthorizer.Builder.create("JwtAuthorizer", s.jwtIssuer()).jwtAudience(s.jwtAudience()).build();
            case NONE -> null;
        };
    }

    /**
     * A REST API with one POST method per configured path, each a Lambda proxy integration that invokes
     * the alias with InvokeWithResponseStream (response transfer mode STREAM), so API Gateway passes the
     * answer on as it comes. Regional endpoint: its idle timeout is 5 minutes, an edge-optimized one's 30 s.
     */
    private void restApi(GatewaySettings s, GatewayEnv env, Alias live) {
        RestApi api = RestApi.Builder.create(this, "Api")
                // The 5xx metrics are per API name: the stack's name keeps them apart from other APIs.
                .restApiName(getStackName())
                .description("Mistral AI gateway (response streaming)")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                // No execution logging, so no account-wide CloudWatch role (a singleton other stacks may own).
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName(REST_STAGE)
                        .throttlingRateLimit(s.throttleRate())
                        .throttlingBurstLimit(s.throttleBurst())
                        .build())
                .build();
        // The construct's own output repeats the URL; ApiUrl below is the one all front doors share.
        api.getNode().tryRemoveChild("Endpoint");

        LambdaIntegration integration = LambdaIntegration.Builder.create(live)
                .responseTransferMode(ResponseTransferMode.STREAM)
                // Streaming integrations may run up to 15 minutes; give the stream as long as the function.
                .timeout(Duration.seconds(s.timeoutSeconds()))
                // One permission for the whole API rather than two per method: the function's policy stays small.
                .scopePermissionToMethod(false)
                .build();
        MethodOptions access = MethodOptions.builder()
                .authorizationType(s.auth() == GatewaySettings.Auth.IAM ? AuthorizationType.IAM : AuthorizationType.NONE)
                .build();
        for (String path : env.paths()) {
            api.getRoot().resourceForPath(path).addMethod("POST", integration, access);
        }
        env.modelsPath().ifPresent(models -> {
            api.getRoot().resourceForPath(models).addMethod("GET", integration, access);
            api.getRoot().resourceForPath(models + "/{id}").addMethod("GET", integration, access);
        });
        CfnOutput.Builder.create(this, "ApiUrl")
                .description("HTTPS endpoint of the gateway (REST API, streaming); POST to "
                        + String.join(", ", env.paths()) + " under it")
                .value(api.getUrl())
                .build();
        MetricOptions sum = fiveMinuteSum();
        alarm(s, api.metricServerError(sum), api.metricCount(sum));
    }

    /** A Function URL on the alias in RESPONSE_STREAM mode; IAM (SigV4) or public. No throttling. */
    private void functionUrl(GatewaySettings s, GatewayEnv env, Alias live) {
        FunctionUrl url = live.addFunctionUrl(FunctionUrlOptions.builder()
                .authType(s.auth() == GatewaySettings.Auth.IAM ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE)
                .invokeMode(InvokeMode.RESPONSE_STREAM)
                .build());
        CfnOutput.Builder.create(this, "ApiUrl")
                .description("HTTPS endpoint of the gateway (Function URL, streaming); POST to "
                        + String.join(", ", env.paths()) + " under it")
                .value(url.getUrl())
                .build();
        // Lambda publishes the URL metrics per function name, summed over its URLs (here just this one).
        Map<String, String> function = Map.of("FunctionName", live.getVersion().getLambda().getFunctionName());
        alarm(s, urlMetric("Url5xxCount", function), urlMetric("UrlRequestCount", function));
    }

    private static Metric urlMetric(String name, Map<String, String> dimensions) {
        return Metric.Builder.create().namespace("AWS/Lambda").metricName(name).dimensionsMap(dimensions)
                .statistic("Sum").period(Duration.minutes(5)).build();
    }

    private static MetricOptions fiveMinuteSum() {
        return MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
    }

    /**
     * Alarms when more than alarm5xxPercent of the requests in 5 minutes end in a 5xx answer, and tells whoever
     * alarmTopicArn and alarmEmail name: an alarm that no one hears of is only seen by those who look.
     */
    private void alarm(GatewaySettings s, IMetric errors, IMetric requests) {
        // An ordered map: Map.of's order changes from one JVM to the next, and so would the template.
        Map<String, IMetric> metrics = new LinkedHashMap<>();
        metrics.put("errors", errors);
        metrics.put("requests", requests);
        MathExpression rate = MathExpression.Builder.create()
                // IF avoids a division by zero when there was no request.
                .expression("IF(requests > 0, 100 * errors / requests, 0)")
                .usingMetrics(metrics)
                .period(Duration.minutes(5))
                .label("5xx answers (%)")
                .build();
        Alarm alarm = Alarm.Builder.create(this, "Api5xxAlarm")
                .alarmDescription("More than " + BigDecimal.valueOf(s.alarm5xxPercent()).stripTrailingZeros().toPlainString() + "% of the gateway's answers were 5xx in 5 minutes")
                .metric(rate)
                .threshold(s.alarm5xxPercent())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (s.alarmTopicArn() != null) {
            alarm.addAlarmAction(new SnsAction(Topic.fromTopicArn(this, "OwnAlarmTopic", s.alarmTopicArn())));
        }
        if (!s.alarmEmails().isEmpty()) {
            // E-mail needs a topic; this one exists for the alarm alone and goes with the stack.
            Topic topic = Topic.Builder.create(this, "AlarmTopic").displayName("Mistral gateway alarms").build();
            s.alarmEmails().forEach(email -> topic.addSubscription(new EmailSubscription(email)));
            alarm.addAlarmAction(new SnsAction(topic));
        }
    }
}
