package dev.mistralgateway.infra;

import java.nio.file.Path;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.Alias;
import software.constructs.Construct;

/**
 * The gateway: one Lambda function and the front door that calls it, chosen by {@code frontDoor}:
 * <ul>
 * <li>{@code http-api} (default): the Lambda build (JVM with SnapStart, java25 with an AOT cache, or native) behind an API
 * Gateway HTTP
 * API with one POST route per configured path, and GET on the model list; answers are buffered;</li>
 * <li>{@code rest-stream}: the plain-HTTP server build behind the AWS Lambda Web Adapter, called by an API
 * Gateway REST API whose Lambda proxy integrations stream;</li>
 * <li>{@code url-stream}: the same server build behind a Function URL in RESPONSE_STREAM mode.</li>
 * </ul>
 * All three have access control, log retention, read access to the secrets read at run time and a 5xx alarm;
 * the two APIs are throttled. This class only composes: {@link GatewayFunction}, {@link FrontDoors} and
 * {@link Alarms} build the parts, each with the construct ids a deployed stack already has (so an update
 * replaces nothing; {@code TemplateSnapshotTest} holds the templates).
 */
public class GatewayStack extends Stack {

    /** The gateway's own handler: Quarkus's stream handler, which primes the request path at start-up. */
    static final String JVM_HANDLER = GatewayFunction.JVM_HANDLER;

    public GatewayStack(Construct scope, String id, StackProps props) {
        super(scope, id, props);
        GatewaySettings settings = GatewaySettings.fromContext(getNode());
        GatewayEnv env = GatewayEnv.load(Path.of(settings.config()));

        Alias live = GatewayFunction.live(this, settings, env);
        switch (settings.frontDoor()) {
            case HTTP_API -> {
                HttpApi api = FrontDoors.httpApi(this, settings, env, live);
                MetricOptions sum = Alarms.fiveMinuteSum();
                Alarms.alarm(this, settings, api.metricServerError(sum), api.metricCount(sum));
            }
            case REST_STREAM -> FrontDoors.restApi(this, settings, env, live);
            case URL_STREAM -> FrontDoors.functionUrl(this, settings, env, live);
        }
    }
}
