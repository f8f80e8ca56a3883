package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The whole template of each kind of deployment, against a snapshot in {@code src/test/resources/templates/}:
 * a change of the stack's code that changes a construct id (which would replace a deployed resource) or any
 * property shows here. The asset hashes of the fake artifacts (and the version ids made from them) and the test's folder are
 * masked. After a change
 * meant to alter the template, {@code ../mvnw test -Dtest=TemplateSnapshotTest -Dtemplates.write=true} writes
 * the snapshots anew, to be read before they are committed.
 */
class TemplateSnapshotTest {

    private static final Path SNAPSHOTS = Path.of("src", "test", "resources", "templates");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path dir;

    /** Each kind of deployment, by its context values. */
    static Stream<String> deployments() {
        return kinds().keySet().stream();
    }

    private static Map<String, Map<String, Object>> kinds() {
        Map<String, Map<String, Object>> kinds = new LinkedHashMap<>();
        kinds.put("http-api-jvm-iam", Map.of());
        kinds.put("http-api-native-jwt-alarms", Map.of("runtime", "native", "auth", "jwt", "jwtIssuer",
                "https://example.eu.auth0.com/", "jwtAudience", "gateway", "alarmEmail", "ops@example.com",
                "alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:ops", "reservedConcurrency", "10"));
        kinds.put("http-api-jvm25", Map.of("runtime", "jvm25"));
        kinds.put("rest-stream-jvm", Map.of("frontDoor", "rest-stream", "timeout", "120"));
        kinds.put("url-stream-native-public", Map.of("frontDoor", "url-stream", "runtime", "native", "auth", "none",
                "allowPublicAccess", "true"));
        kinds.put("redis-url", Map.of("redisUrl", "rediss://eu1-able-cat-12345.upstash.io:6379",
                "redisPassword", "{{secretsmanager:gateway/redis:password}}"));
        kinds.put("elasticache", Map.of("sharedState", "elasticache"));
        return kinds;
    }

    private static final String RUNTIME_SECRETS_ENV = Synth.SEED_ENV.replace("{{secretsmanager:mistral/api-key}}",
            "{{aws-secret:mistral/api-key}}") + "AI_PROXY_ROUTES_0__TARGETS_0__AUTH_PARAM_VALUE={{aws-ssm:/gateway/key}}\n";

    @ParameterizedTest
    @MethodSource("deployments")
    void theTemplateIsTheSnapshot(String kind) throws IOException {
        Synth synth = new Synth(dir);
        kinds().get(kind).forEach(synth::context);
        if (kind.equals("http-api-jvm-iam")) {
            synth.env(RUNTIME_SECRETS_ENV);
        }

        String template = JSON.writeValueAsString(synth.template().toJSON())
                .replaceAll("[0-9a-f]{64}", "<asset-hash>")
                // a version's logical id ends in a hash of the function's code and settings, so of the fake asset too
                .replaceAll("(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}", "$1<version-hash>")
                .replace(dir.toString(), "<test-dir>");

        Path snapshot = SNAPSHOTS.resolve(kind + ".json");
        if (Boolean.getBoolean("templates.write")) {
            Files.createDirectories(SNAPSHOTS);
            Files.writeString(snapshot, template + "\n");
        }
        assertEquals(Files.readString(snapshot).strip(), template.strip(), kind + " against " + snapshot);
    }
}
