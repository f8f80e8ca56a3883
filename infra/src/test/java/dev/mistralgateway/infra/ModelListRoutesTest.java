package dev.mistralgateway.infra;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The gateway answers GET on its model list ({@code AI_PROXY_MODELS_PATH}, default {@code /v1/models}) and on
 * one model of it: both front doors that route by path must route those GETs to the function too.
 */
class ModelListRoutesTest {

    @TempDir
    Path dir;

    @Test
    void theHttpApiRoutesGetForTheModelListAndOneModel() {
        Template t = new Synth(dir).template();
        t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /v1/models"));
        t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /v1/models/{id}"));
        // behind the same authorizer as the routes
        t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /v1/models",
                "AuthorizationType", "AWS_IAM"));
        t.resourceCountIs("AWS::ApiGatewayV2::Route", 3);
    }

    @Test
    void theHttpApiFollowsAMovedModelListAndNoneWhenItIsOff() {
        Template moved = new Synth(dir).env(Synth.SEED_ENV + "AI_PROXY_MODELS_PATH=/models\n").template();
        moved.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /models"));
        moved.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /models/{id}"));

        Template off = new Synth(dir).env(Synth.SEED_ENV + "AI_PROXY_MODELS_PATH=off\n").template();
        off.resourceCountIs("AWS::ApiGatewayV2::Route", 1);
        off.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST /mistral-chat"));
    }

    @Test
    void theRestApiHasGetMethodsOnTheModelListAndOneModel() {
        Template t = new Synth(dir).context("frontDoor", "rest-stream").template();
        t.resourceCountIs("AWS::ApiGateway::Method", 3);
        t.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "models"));
        t.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{id}"));
        t.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "GET",
                "AuthorizationType", "AWS_IAM",
                "ResourceId", Map.of("Ref", Match.stringLikeRegexp(".*models.*")),
                "Integration", Match.objectLike(Map.of("Type", "AWS_PROXY", "IntegrationHttpMethod", "POST"))));
        t.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "GET",
                "ResourceId", Map.of("Ref", Match.stringLikeRegexp(".*id.*"))));
    }
}
