package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ApiTest {

    @TempDir
    Path dir;

    @Test
    void onePostRoutePerConfiguredPathToTheLiveAlias() {
        Template t = new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat, /chat
                AI_PROXY_ROUTES_1__PATHS=/gguf-completions
                """).template();
        t.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        t.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
        // and GET on the model list and one model of it (ModelListRoutesTest)
        t.resourceCountIs("AWS::ApiGatewayV2::Route", 5);
        for (String path : List.of("/mistral-chat", "/chat", "/gguf-completions")) {
            t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST " + path));
        }
        t.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of(
                "IntegrationType", "AWS_PROXY",
                "PayloadFormatVersion", "2.0",
                "IntegrationUri", Map.of("Ref", Match.stringLikeRegexp("Live.*"))));
    }

    @Test
    void aPreserveRouteAlsoTakesGetPutPatchAndDeleteOnItsPathAndBelowIt() {
        Template t = new Synth(dir).env("""
                AI_PROXY_ROUTES_0__PATHS=/mistral-chat
                AI_PROXY_ROUTES_1__PATHS=/v1/files
                AI_PROXY_ROUTES_1__TARGETS_0__ROUTE_TYPE=preserve
                AI_PROXY_ROUTES_2__PATHS=/v1/batch/jobs
                AI_PROXY_ROUTES_2__CONFIG={"targets":[{"route_type":"preserve","model":{"provider":"mistral"}}]}
                """).template();
        for (String path : List.of("/v1/files", "/v1/batch/jobs")) {
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", method + " " + path));
                t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", method + " " + path + "/{proxy+}"));
            }
        }
        // the chat route stays POST only; and GET on the model list and one model of it
        t.resourceCountIs("AWS::ApiGatewayV2::Route", 3 + 2 * (4 + 5) + 2);
    }

    @Test
    void aConfigurationWithoutPathsIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).env("AI_PROXY_ROUTES_0__NAME=x\n").stack());
        assertTrue(e.getMessage().contains("no AI_PROXY_ROUTES_<n>__PATHS"), e.getMessage());
    }

    @Test
    void theHttpsEndpointIsAnOutput() {
        Template t = new Synth(dir).template();
        t.hasOutput("ApiUrl", Map.of("Value", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                "https://", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("Api.*")))))))));
    }

    @Test
    void iamAuthByDefault() {
        Template t = new Synth(dir).template();
        t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "AWS_IAM"));
    }

    @Test
    void jwtAuthNeedsIssuerAndAudience() {
        Template t = new Synth(dir).context("auth", "jwt")
                .context("jwtIssuer", "https://example.eu.auth0.com/").context("jwtAudience", "gateway,cli").template();
        t.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of(
                "AuthorizerType", "JWT",
                "JwtConfiguration", Map.of("Issuer", "https://example.eu.auth0.com/", "Audience", List.of("gateway", "cli"))));
        t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "JWT"));

        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("auth", "jwt").stack());
        assertTrue(e.getMessage().contains("jwtIssuer") && e.getMessage().contains("jwtAudience"), e.getMessage());
    }

    @Test
    void noAuthOnlyWithAllowPublicAccess() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("auth", "none").stack());
        assertTrue(e.getMessage().contains("allowPublicAccess=true"), e.getMessage());

        Template t = new Synth(dir).context("auth", "none").context("allowPublicAccess", "true").template();
        t.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "NONE"));
        t.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
    }

    @Test
    void defaultStageIsThrottled() {
        new Synth(dir).template().hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "$default", "AutoDeploy", true,
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 20, "ThrottlingBurstLimit", 40)));
        new Synth(dir).context("throttleRate", "5").context("throttleBurst", 10).template()
                .hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                        "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 5, "ThrottlingBurstLimit", 10)));
    }

    @Test
    void alarmOn5xxRateOverFiveMinutes() {
        Template t = new Synth(dir).context("alarm5xxPercent", "2.5").template();
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Threshold", 2.5, "ComparisonOperator", "GreaterThanThreshold", "EvaluationPeriods", 1));
        // One pattern at a time: arrayWith wants its elements in the template's order.
        List<Map<String, Object>> metrics = List.of(
                Map.of("Expression", "IF(requests > 0, 100 * errors / requests, 0)"),
                Map.of("Id", "errors", "MetricStat", Match.objectLike(Map.of(
                        "Metric", Match.objectLike(Map.of("MetricName", "5xx", "Namespace", "AWS/ApiGateway")),
                        "Period", 300, "Stat", "Sum"))),
                Map.of("Id", "requests", "MetricStat", Match.objectLike(Map.of(
                        "Metric", Match.objectLike(Map.of("MetricName", "Count", "Namespace", "AWS/ApiGateway")),
                        "Period", 300, "Stat", "Sum"))));
        for (Map<String, Object> metric : metrics) {
            t.hasResourceProperties("AWS::CloudWatch::Alarm",
                    Map.of("Metrics", Match.arrayWith(List.of(Match.objectLike(metric)))));
        }
        new Synth(dir).template().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Threshold", 5));
    }
}
