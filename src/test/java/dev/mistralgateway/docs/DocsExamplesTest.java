package dev.mistralgateway.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mistralgateway.route.Route;
import dev.mistralgateway.testing.EnvFiles;
import dev.mistralgateway.testing.TestRoutes;

/**
 * Every file of {@code docs/examples/} is a configuration a user may copy: each goes through the
 * function's own mapping and validation, and becomes as many routes as it numbers.
 */
class DocsExamplesTest {

    private static final Path EXAMPLES = Path.of("docs", "examples");
    private static final Pattern ROUTE_NUMBER = Pattern.compile("^AI_PROXY_ROUTES_(\\d+)__");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<Path> found = files.filter(file -> file.toString().endsWith(".env")).sorted().toList();
            assertFalse(found.isEmpty(), "no example in " + EXAMPLES.toAbsolutePath());
            return found.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void passesTheGatewaysValidation(Path example) throws IOException {
        Map<String, String> env = EnvFiles.read(example);

        List<Route> routes = TestRoutes.fromEnvironment(env);

        TreeSet<String> numbered = new TreeSet<>();
        for (String name : env.keySet()) {
            Matcher route = ROUTE_NUMBER.matcher(name);
            if (route.find()) {
                numbered.add(route.group(1));
            }
        }
        assertEquals(numbered.size(), routes.size(), example + " numbers " + numbered + " routes");
        routes.forEach(route -> assertFalse(route.targets().isEmpty(), example + ": route " + route.name()));
    }
}
