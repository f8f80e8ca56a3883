package dev.mistralgateway.infra;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
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
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The gateway: one Lambda function (JVM with SnapStart, or native) behind an API Gateway HTTP API with
 * one POST route per configured path, access control, throttling, log retention and a 5xx alarm.
 */
public class GatewayStack extends Stack {

    static final String JVM_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    /** The provided runtime runs the native `bootstrap`; Lambda still wants some handler string. */
    static final String NATIVE_HANDLER = "not.used.in.provided.runtime";

    public GatewayStack(Construct scope, String id, StackProps props) {
        super(scope, id, props);
        GatewaySettings settings = GatewaySettings.fromContext(getNode());
        GatewayEnv env = GatewayEnv.load(Path.of(settings.config()));

        Alias live = function(settings, env);
        HttpApi api = api(settings, env, live);
        alarm(settings, api);
    }

    private Alias function(GatewaySettings s, GatewayEnv env) {
        Path artifact = Path.of(s.artifact());
        if (!Files.isRegularFile(artifact)) {
            throw new IllegalArgumentException("Function artifact " + s.artifact() + " not found: build it first "
                    + "(./mvnw package, or ./mvnw package -Dnative, at the project root) or set -c artifact=...");
        }
        LogGroup logs = LogGroup.Builder.create(this, "FunctionLogs").build();
        // RetentionDays is an enum without its number in Java; CloudFormation takes the number itself,
        // already checked against the allowed values in GatewaySettings.
        ((CfnLogGroup) logs.getNode().getDefaultChild()).setRetentionInDays(s.logRetentionDays());

        boolean jvm = s.runtime() == GatewaySettings.FunctionRuntime.JVM;
        Map<String, String> variables = new LinkedHashMap<>();
        if (!jvm) {
            // As in Quarkus's generated sam.native.yaml: the native image must not install signal handlers.
            variables.put("DISABLE_SIGNAL_HANDLERS", "true");
        }
        variables.putAll(env.variables());

        Function fn = Function.Builder.create(this, "Function")
                .description("Mistral AI gateway (" + s.runtime().name().toLowerCase(Locale.ROOT) + ")")
                .runtime(jvm ? Runtime.JAVA_21 : Runtime.PROVIDED_AL2023)
                .handler(jvm ? JVM_HANDLER : NATIVE_HANDLER)
                .code(Code.fromAsset(artifact.toString()))
                .architecture(s.arch().equals("x86_64") ? Architecture.X86_64 : Architecture.ARM_64)
                .memorySize(s.memoryMb())
                .timeout(Duration.seconds(s.timeoutSeconds()))
                .environment(variables)
                .logGroup(logs)
                // SnapStart restores a snapshot of the started JVM: cold starts drop from seconds to
                // well under one. It applies to published versions only, hence the alias below.
                .snapStart(jvm ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                .build();
        if (jvm) {
            // CDK warns in case no version gets published; the alias below publishes fn.getCurrentVersion().
            Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "the alias 'live' publishes the current version");
        }
        grantSecrets(fn, env);
        // The API calls the alias, so it always reaches a published (and, on the JVM, snapshotted) version.
        return Alias.Builder.create(this, "Live").aliasName("live").version(fn.getCurrentVersion()).build();
    }

    /**
     * Read access to exactly the secrets and parameters that gateway.env references. CloudFormation
     * itself resolves the references at deploy time (with the deployer's rights); this grant lets the
     * function read its own secrets too, and states in IAM which ones it uses.
     */
    private void grantSecrets(Function fn, GatewayEnv env) {
        // Insertion order keeps construct ids, and so the template, stable from one synth to the next.
        Map<String, SecretReference> distinct = new LinkedHashMap<>();
        env.secrets().forEach(ref -> distinct.putIfAbsent(ref.kind() + " " + ref.id(), ref));
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
            api.addRoutes(AddRoutesOptions.builder()
                    .path(path)
                    .methods(List.of(HttpMethod.POST))
                    .integration(integration)
                    .authorizer(authorizer)
                    .build());
        }
        CfnOutput.Builder.create(this, "ApiUrl")
                .description("HTTPS endpoint of the gateway; POST to " + String.join(", ", env.paths()) + " under it")
                .value(stage.getUrl())
                .build();
        return api;
    }

    private static IHttpRouteAuthorizer authorizer(GatewaySettings s) {
        return switch (s.auth()) {
            case IAM -> new HttpIamAuthorizer();
            case JWT -> HttpJwtAuthorizer.Builder.create("JwtAuthorizer", s.jwtIssuer()).jwtAudience(s.jwtAudience()).build();
            case NONE -> null;
        };
    }

    /** Alarms when more than alarm5xxPercent of the requests in 5 minutes end in a 5xx answer. */
    private void alarm(GatewaySettings s, HttpApi api) {
        MetricOptions sum = MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
        // An ordered map: Map.of's order changes from one JVM to the next, and so would the template.
        Map<String, IMetric> metrics = new LinkedHashMap<>();
        metrics.put("errors", api.metricServerError(sum));
        metrics.put("requests", api.metricCount(sum));
        MathExpression rate = MathExpression.Builder.create()
                // IF avoids a division by zero when there was no request.
                .expression("IF(requests > 0, 100 * errors / requests, 0)")
                .usingMetrics(metrics)
                .period(Duration.minutes(5))
                .label("5xx answers (%)")
                .build();
        Alarm.Builder.create(this, "Api5xxAlarm")
                .alarmDescription("More than " + BigDecimal.valueOf(s.alarm5xxPercent()).stripTrailingZeros().toPlainString() + "% of the gateway's answers were 5xx in 5 minutes")
                .metric(rate)
                .threshold(s.alarm5xxPercent())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }
}
