package dev.mistralgateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The readiness check the Lambda Web Adapter polls before it hands the streaming deployment its
 * first invocation (AWS_LWA_READINESS_CHECK_PATH): served beside the routes' catch-all. The server build
 * has it; the Lambda build does without (nothing polls a function's health path).
 */
@QuarkusTest
@QuarkusTestResource(value = StreamLimitsTest.Routes.class, restrictToAnnotatedClass = true)
class HealthTest {

    @Test
    @DisabledIfSystemProperty(named = "gateway.entry", matches = "lambda")
    void readinessAndLivenessAnswerUp() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    @EnabledIfSystemProperty(named = "gateway.entry", matches = "lambda")
    void theLambdaBuildHasNoHealthPath() {
        given().get("/q/health/ready").then().statusCode(404).body("error.type", equalTo("not_found_error"));
    }

    @Test
    void aRouteStillRefusesGet() {
        given().get("/timed").then().statusCode(405).body("error.type", equalTo("invalid_request_error"));
    }
}
