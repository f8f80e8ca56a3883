package dev.mistralgateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The readiness check the Lambda Web Adapter polls before it hands the streaming deployment its
 * first invocation (AWS_LWA_READINESS_CHECK_PATH): served beside the routes' catch-all.
 */
@QuarkusTest
@QuarkusTestResource(value = StreamLimitsTest.Routes.class, restrictToAnnotatedClass = true)
class HealthTest {

    @Test
    void readinessAndLivenessAnswerUp() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aRouteStillRefusesGet() {
        given().get("/timed").then().statusCode(405).body("error.type", equalTo("invalid_request_error"));
    }
}
