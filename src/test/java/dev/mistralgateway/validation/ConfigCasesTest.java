package dev.mistralgateway.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mistralgateway.testing.EnvFiles;
import dev.mistralgateway.testing.GoldenJson;
import dev.mistralgateway.testing.TestRoutes;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Configurations a user gets wrong, as {@code .env} files in {@code src/test/resources/golden/config/}
 * with the start-up error beside each ({@code <case>.problems}): every problem at once, each naming the
 * variable to fix, and never a key or auth value (a key pasted where its digest belongs included). Without Quarkus: the same
 * mapping and validation the function runs.
 */
class ConfigCasesTest {

    private static final Path CASES = Path.of("src", "test", "resources", "golden", "config");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            List<String> names = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".env"))
                    .map(name -> name.substring(0, name.length() - ".env".length())).sorted().toList();
            assertFalse(names.isEmpty(), "no case in " + CASES.toAbsolutePath());
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void startUpNamesEveryProblem(String name) throws IOException {
        var env = EnvFiles.read(CASES.resolve(name + ".env"));

        String message = assertThrows(ConfigurationException.class, () -> TestRoutes.fromEnvironment(env)).getMessage();

        if (!GoldenJson.exists(CASES, name + ".problems")) {
            GoldenJson.write(CASES, name + ".problems", message.strip() + "\n");
        }
        assertEquals(Files.readString(CASES.resolve(name + ".problems")).strip(), message.strip());
        env.forEach((variable, value) -> {
            if (variable.endsWith("_VALUE") || variable.endsWith("CLIENT_AUTH_KEY_SHA256")) {
                for (String secret : value.split(",")) {
                    assertFalse(message.contains(secret.strip()), variable + "'s value appears in the start-up error");
                }
            }
        });
    }
}
