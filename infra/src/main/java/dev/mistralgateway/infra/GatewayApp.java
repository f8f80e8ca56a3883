package dev.mistralgateway.infra;

import java.io.PrintStream;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app that cdk.json runs (through {@code app.sh}). Context value {@code stackName} names the
 * stack (default MistralGateway). A configuration mistake ({@link ConfigurationError}) ends the run
 * with one line, {@code error: <what to fix>}, on standard error and exit status 2; anything else is
 * a fault of this app and keeps its stack trace.
 */
public final class GatewayApp {

    /** Exit status of a configuration mistake. */
    static final int CONFIGURATION_ERROR = 2;

    private GatewayApp() {
    }

    public static void main(String[] args) {
        int status = run(new App(), System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Synthesizes the gateway's stack into the app; 0, or {@link #CONFIGURATION_ERROR} once the mistake is said. */
    static int run(App app, PrintStream err) {
        Object name = app.getNode().tryGetContext("stackName");
        try {
            // No env: the stack is environment-agnostic and deploys to the account and region of the
            // AWS profile in use (it needs no look-up that would tie it to one).
            new GatewayStack(app, name == null ? "MistralGateway" : String.valueOf(name), StackProps.builder()
                    .description("Mistral AI gateway on AWS Lambda")
                    .build());
        } catch (ConfigurationError e) {
            err.println("error: " + e.getMessage());
            return CONFIGURATION_ERROR;
        }
        app.synth();
        return 0;
    }
}
