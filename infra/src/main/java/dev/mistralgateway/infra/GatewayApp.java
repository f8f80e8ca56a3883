package dev.mistralgateway.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/** The CDK app that cdk.json runs. Context value {@code stackName} names the stack (default MistralGateway). */
public final class GatewayApp {

    private GatewayApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        Object name = app.getNode().tryGetContext("stackName");
        try {
            // No env: the stack is environment-agnostic and deploys to the account and region of the
            // AWS profile in use (it needs no look-up that would tie it to one).
            new GatewayStack(app, name == null ? "MistralGateway" : String.valueOf(name), StackProps.builder()
                    .description("Mistral AI gateway on AWS Lambda")
                    .build());
        } catch (IllegalArgumentException e) {
            // A configuration mistake: say what is wrong, without a stack trace.
            System.err.println("Cannot synthesize the gateway stack: " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }
}
