package dev.mistralgateway.infra;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import software.constructs.Node;

/**
 * The deployment choices, read from CDK context ({@code -c name=value} or cdk.json), with the defaults
 * below. Values from {@code -c} arrive as strings and those from cdk.json as JSON numbers or booleans,
 * so everything is read through {@link String#valueOf}.
 */
record GatewaySettings(
        FrontDoor frontDoor,
        FunctionRuntime runtime,
        String arch,
        boolean archSet,
        String artifact,
        int memoryMb,
        int timeoutSeconds,
        String config,
        Auth auth,
        String jwtIssuer,
        List<String> jwtAudience,
        double throttleRate,
        int throttleBurst,
        int logRetentionDays,
        double alarm5xxPercent,
        List<String> alarmEmails,
        String alarmTopicArn,
        Integer reservedConcurrency) {

    /**
     * What stands in front of the function. {@code http-api} runs the Lambda build (function.zip) behind
     * a buffering HTTP API; the two streaming ones run the plain-HTTP server build behind the AWS Lambda
     * Web Adapter, so the answer reaches the client token by token.
     */
    enum FrontDoor {
        HTTP_API("http-api"),
        REST_STREAM("rest-stream"),
        URL_STREAM("url-stream");

        final String value;

        FrontDoor(String value) {
            this.value = value;
        }

        boolean streams() {
            return this != HTTP_API;
        }

        static FrontDoor of(String text) {
            return Arrays.stream(values()).filter(d -> d.value.equals(text.toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new ConfigurationError("frontDoor must be one of "
                            + Arrays.stream(values()).map(d -> d.value).toList() + ", not " + text));
        }
    }

    /**
     * {@code jvm}: java21 with SnapStart; {@code jvm25}: java25 with the JDK AOT cache that ./mvnw package -Pjvm25
     * trains and ships in the zip; {@code native}: the native executable on provided.al2023.
     */
    enum FunctionRuntime {
        JVM,
        JVM25,
        NATIVE
    }

    enum Auth {
        IAM,
        JWT,
        NONE
    }

    /** Far above any account's concurrency limit: the deploy, not the synth, tells the account's own. */
    private static final int MAX_CONCURRENCY = 100_000;

    /** Enough to catch a value that is no address at all; SNS sends the confirmation mail that proves the rest. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}");

    /** The retention periods CloudWatch Logs accepts. */
    private static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
            400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    static GatewaySettings fromContext(Node node) {
        Context c = new Context(node);
        FrontDoor door = FrontDoor.of(c.text("frontDoor", FrontDoor.HTTP_API.value));
        FunctionRuntime runtime = c.choice("runtime", FunctionRuntime.JVM, FunctionRuntime.class);
        Auth auth = c.choice("auth", Auth.IAM, Auth.class);
        if (auth == Auth.JWT && door.streams()) {
            throw new ConfigurationError("auth=jwt is not available with frontDoor=" + door.value + ": "
                    + (door == FrontDoor.REST_STREAM ? "API Gateway REST APIs have no JWT authorizer"
                            : "Function URLs accept IAM or no auth only")
                    + ". Use -c auth=iam (callers sign with SigV4), or -c frontDoor=http-api for JWT (answers are then buffered, not streamed)");
        }
        if (door == FrontDoor.URL_STREAM && (c.isSet("throttleRate") || c.isSet("throttleBurst"))) {
            // A throttle that silently does nothing is worse than none: the owner would count on it.
            throw new ConfigurationError("throttleRate and throttleBurst are not available with frontDoor=url-stream: "
                    + "a Function URL cannot throttle. Use -c frontDoor=rest-stream to stream behind a throttled API, "
                    + "or leave both unset");
        }
        if (runtime == FunctionRuntime.JVM25 && door.streams()) {
            throw new ConfigurationError("runtime=jvm25 is the Lambda build with its AOT cache (function-jvm25.zip), "
                    + "behind frontDoor=http-api only; the streaming front doors run the server build: use -c runtime=jvm "
                    + "or -c runtime=native with frontDoor=" + door.value);
        }
        if (auth == Auth.NONE && !Boolean.parseBoolean(c.text("allowPublicAccess", "false"))) {
            throw new ConfigurationError("auth=none makes the gateway (and your Mistral key) usable by anyone "
                    + "on the internet; add -c allowPublicAccess=true if that is really wanted");
        }
        String issuer = c.text("jwtIssuer", "");
        List<String> audience = Arrays.stream(c.text("jwtAudience", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (auth == Auth.JWT && (issuer.isEmpty() || audience.isEmpty())) {
            throw new ConfigurationError("auth=jwt needs both -c jwtIssuer=https://... and -c jwtAudience=...");
        }
        String arch = c.text("arch", "arm64");
        if (!arch.equals("arm64") && !arch.equals("x86_64")) {
            throw new ConfigurationError("arch must be arm64 or x86_64, not " + arch);
        }
        int retention = c.integer("logRetentionDays", 30, 1, 3653);
        if (!RETENTION_DAYS.contains(retention)) {
            throw new ConfigurationError("logRetentionDays must be one of " + RETENTION_DAYS);
        }
        return new GatewaySettings(
                door,
                runtime,
                arch,
                c.isSet("arch"),
                c.text("artifact", defaultArtifact(door, runtime)),
                c.integer("memory", 512, 128, 10240),
                // API Gateway HTTP APIs end an integration after 30 s, so a longer function timeout is wasted
                // there. A stream may run for minutes (REST API streaming: up to 15), hence 300 s for those.
                c.integer("timeout", door.streams() ? 300 : 30, 1, 900),
                c.text("config", "gateway.env"),
                auth,
                issuer,
                audience,
                c.number("throttleRate", 20),
                c.integer("throttleBurst", 40, 0, 5000),
                retention,
                c.number("alarm5xxPercent", 5),
                alarmEmails(c.text("alarmEmail", "")),
                alarmTopicArn(c.text("alarmTopicArn", "")),
                // None by default: a reservation fails the deploy in an account whose concurrency limit leaves no room
                // for it (Lambda keeps 100 unreserved; new accounts may have a limit of 10).
                c.isSet("reservedConcurrency") ? c.integer("reservedConcurrency", 1, 1, MAX_CONCURRENCY) : null);
    }

    /** Addresses that the 5xx alarm mails through a topic of the stack; each confirms its subscription once. */
    private static List<String> alarmEmails(String text) {
        List<String> emails = Arrays.stream(text.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
        for (String email : emails) {
            if (!EMAIL.matcher(email).matches()) {
                throw new ConfigurationError("alarmEmail must be e-mail addresses, comma-separated, not " + email);
            }
        }
        return emails;
    }

    /** A topic of one's own that the 5xx alarm notifies (chat, paging, more mail...), or null. */
    private static String alarmTopicArn(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (!TOPIC_ARN.matcher(text).matches()) {
            throw new ConfigurationError(
                    "alarmTopicArn must be an SNS topic's ARN, arn:aws:sns:REGION:ACCOUNT:NAME, not " + text);
        }
        return text;
    }

    /** Where the root build puts what the given front door deploys, relative to infra/. */
    static String defaultArtifact(FrontDoor door, FunctionRuntime runtime) {
        if (!door.streams()) {
            return runtime == FunctionRuntime.JVM25 ? "../target/function-jvm25.zip" : "../target/function.zip";
        }
        return runtime == FunctionRuntime.JVM ? "../target/quarkus-app" : "../target/function-server.zip";
    }

    /** Typed, validated access to context values. */
    private record Context(Node node) {
        boolean isSet(String key) {
            return node.tryGetContext(key) != null;
        }

        String text(String key, String fallback) {
            Object value = node.tryGetContext(key);
            return value == null ? fallback : String.valueOf(value).strip();
        }

        int integer(String key, int fallback, int min, int max) {
            double value = number(key, fallback);
            if (value != Math.rint(value) || value < min || value > max) {
                throw new ConfigurationError(key + " must be a whole number from " + min + " to " + max);
            }
            return (int) value;
        }

        double number(String key, double fallback) {
            String text = text(key, String.valueOf(fallback));
            try {
                double value = Double.parseDouble(text);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw new ConfigurationError(key + " must be a non-negative number, not " + text);
            }
        }

        <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
            String text = text(key, fallback.name());
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationError(key + " must be one of " + Arrays.toString(type.getEnumConstants())
                        .toLowerCase(Locale.ROOT) + ", not " + text);
            }
        }
    }
}
