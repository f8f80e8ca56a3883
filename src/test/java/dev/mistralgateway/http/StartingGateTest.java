package dev.mistralgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.LaunchMode;

/**
 * The answer to a request that the Lambda poll loop hands over before start-up is done. No test
 * through HTTP can send one (a test's requests start after the application), so the decorator is
 * driven directly, once as before start-up and once as after; every HTTP test of the Lambda build
 * goes through it started, and LocalLambdaIT through it as AWS's runtime runs the function.
 */
class StartingGateTest {

    private final List<APIGatewayV2HTTPEvent> delegated = new ArrayList<>();
    private final APIGatewayV2HTTPResponse handlerAnswer = new APIGatewayV2HTTPResponse();

    /** The decorator as CDI makes it (not a subclass: a test class implementing a handler would count as one). */
    private StartingGate gate() {
        StartingGate gate = new StartingGate();
        gate.mapper = new ObjectMapper();
        gate.handler = (event, context) -> {
            delegated.add(event);
            return handlerAnswer;
        };
        return gate;
    }

    private static APIGatewayV2HTTPEvent seedRequest() {
        return APIGatewayV2HTTPEvent.builder().withRawPath("/mistral-chat")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                        .build())
                .withBody("{\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}").build();
    }

    @Test
    void beforeStartUpTheAnswerIsAJson503SayingSo() throws Exception {
        APIGatewayV2HTTPResponse answer = gate().handleRequest(seedRequest(), null, false);

        assertEquals(503, answer.getStatusCode());
        assertEquals(List.of("application/json"), answer.getMultiValueHeaders().get("Content-Type"));
        assertEquals(List.of("1"), answer.getMultiValueHeaders().get("Retry-After"));
        JsonNode error = new ObjectMapper().readTree(answer.getBody()).path("error");
        assertEquals(StartingGate.MESSAGE, error.path("message").asText());
        assertEquals("api_error", error.path("type").asText());
        assertEquals("starting", error.path("code").asText());
        assertEquals(List.of(), delegated, "the handler must not see a request it cannot serve yet");
    }

    @Test
    void onlyDevModeWaitsForTheApplication() {
        assertFalse(StartingGate.ready(LaunchMode.DEVELOPMENT, false));
        assertTrue(StartingGate.ready(LaunchMode.DEVELOPMENT, true));
        // Quarkus's Lambda handler on AWS starts the application without reporting it started
        assertTrue(StartingGate.ready(LaunchMode.NORMAL, false));
        assertTrue(StartingGate.ready(LaunchMode.TEST, false));
    }

    @Test
    void onceStartedEveryRequestGoesToTheHandler() {
        APIGatewayV2HTTPEvent request = seedRequest();

        assertSame(handlerAnswer, gate().handleRequest(request, null, true));
        assertEquals(List.of(request), delegated);
    }
}
