package dev.mistralgateway.infra;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
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
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.InvokeMode;

/**
 * What calls the function, as {@code frontDoor} chooses: the buffered HTTP API, a REST API that streams,
 * or a Function URL that streams; each with its access control, its ApiUrl output and the 5xx alarm.
 */
final class FrontDoors {

    /** Stage of the REST API, the first segment of its URL's path. */
    static final String REST_STAGE = "prod";

    /**
     * Request bodies the REST API hands the function base64-encoded, as they came: uploads to preserve
     * routes (audio transcriptions, files, images). Without them API Gateway reads such a body as UTF-8
     * text and mangles every byte that is not; JSON stays text. (The HTTP API encodes any non-text
     * body itself, and a streamed answer needs no such list.)
     */
    static final List<String> BINARY_MEDIA_TYPES = List.of("multipart/form-data", "application/octet-stream",
            "audio/*", "image/*");

    private FrontDoors() {
    }

    static HttpApi httpApi(Stack stack, GatewaySettings s, GatewayEnv env, Alias live) {
        // No automatic default stage: ours carries the throttling.
        HttpApi api = HttpApi.Builder.create(stack, "Api")
                .description("Mistral AI gateway")
                .createDefaultStage(false)
                .build();
        HttpStage stage = HttpStage.Builder.create(stack, "DefaultStage")
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
        // a preserve route passes Mistral's other methods on, and what is below its path (ids, cancel)
        for (String path : env.preservedPaths()) {
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
                route(api, method, path, integration, authorizer);
            }
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
                    HttpMethod.DELETE)) {
                route(api, method, path + "/{proxy+}", integration, authorizer);
            }
        }
        // the model list (and one model of it: OpenAI's /v1/models/{id}) is the gateway's one GET
        env.modelsPath().ifPresent(models -> {
            route(api, HttpMethod.GET, models, integration, authorizer);
            route(api, HttpMethod.GET, models + "/{id}", integration, authorizer);
        });
        CfnOutput.Builder.create(stack, "ApiUrl")
                .description("HTTPS endpoint of the gateway; POST to " + String.join(", ", env.paths()) + " under it")
                .value(stage.getUrl())
                .build();
        return api;
    }

    static void route(HttpApi api, HttpMethod method, String path, HttpLambdaIntegration integration,
            IHttpRouteAuthorizer authorizer) {
        api.addRoutes(AddRoutesOptions.builder()
                .path(path)
                .methods(List.of(method))
                .integration(integration)
                .authorizer(authorizer)
                .build());
    }

    static IHttpRouteAuthorizer authorizer(GatewaySettings s) {
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
    static void restApi(Stack stack, GatewaySettings s, GatewayEnv env, Alias live) {
        RestApi api = RestApi.Builder.create(stack, "Api")
                // The 5xx metrics are per API name: the stack's name keeps them apart from other APIs.
                .restApiName(stack.getStackName())
                .description("Mistral AI gateway (response streaming)")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                .binaryMediaTypes(BINARY_MEDIA_TYPES)
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
        for (String path : env.preservedPaths()) {
            for (String method : List.of("GET", "PUT", "PATCH", "DELETE")) {
                api.getRoot().resourceForPath(path).addMethod(method, integration, access);
            }
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                api.getRoot().resourceForPath(path + "/{proxy+}").addMethod(method, integration, access);
            }
        }
        env.modelsPath().ifPresent(models -> {
            api.getRoot().resourceForPath(models).addMethod("GET", integration, access);
            api.getRoot().resourceForPath(models + "/{id}").addMethod("GET", integration, access);
        });
        CfnOutput.Builder.create(stack, "ApiUrl")
                .description("HTTPS endpoint of the gateway (REST API, streaming); POST to "
                        + String.join(", ", env.paths()) + " under it")
                .value(api.getUrl())
                .build();
        MetricOptions sum = Alarms.fiveMinuteSum();
        Alarms.alarm(stack, s, api.metricServerError(sum), api.metricCount(sum));
    }

    /** A Function URL on the alias in RESPONSE_STREAM mode; IAM (SigV4) or public. No throttling. */
    static void functionUrl(Stack stack, GatewaySettings s, GatewayEnv env, Alias live) {
        FunctionUrl url = live.addFunctionUrl(FunctionUrlOptions.builder()
                .authType(s.auth() == GatewaySettings.Auth.IAM ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE)
                .invokeMode(InvokeMode.RESPONSE_STREAM)
                .build());
        CfnOutput.Builder.create(stack, "ApiUrl")
                .description("HTTPS endpoint of the gateway (Function URL, streaming); POST to "
                        + String.join(", ", env.paths()) + " under it")
                .value(url.getUrl())
                .build();
        // Lambda publishes the URL metrics per function name, summed over its URLs (here just this one).
        Map<String, String> function = Map.of("FunctionName", live.getVersion().getLambda().getFunctionName());
        Alarms.alarm(stack, s, Alarms.urlMetric("Url5xxCount", function), Alarms.urlMetric("UrlRequestCount", function));
    }
}
