package dev.mistralgateway.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.mistralgateway.testing.PackagedApp;

/**
 * What the packaged build holds of dev mode's stand-in of Mistral: neither Mistral's spec (a test
 * resource) nor the schema library that reads it (a {@code provided} dependency), in the Lambda
 * build's {@code function.zip}, jar and {@code lib/}, or the server build's {@code quarkus-app/}.
 */
class PackagedArtifactIT {

    /** Names that would mean the stand-in's checking came along: the spec, the library, its date-time parser. */
    private static boolean standInOnly(String name) {
        return name.endsWith("openapi.yaml") || name.contains("json-schema-validator") || name.contains("com/networknt/")
                || name.contains("com.ethlo.time");
    }

    @Test
    void neitherMistralsSpecNorTheSchemaLibraryIsPackaged() throws IOException {
        // a native build has no jars to read: what its binary holds is the native image's analysis
        Assumptions.assumeFalse(PackagedApp.isNative(), "the native build packages an executable, not jars");
        Path jar = Path.of(System.getProperty("gateway.app.jar"));
        Path build = Path.of(System.getProperty("gateway.build.directory"));
        List<Path> artifacts = new ArrayList<>(List.of(jar));
        for (Path candidate : List.of(build.resolve("function.zip"), jar.resolveSibling("lib"),
                build.resolve("quarkus-app"))) {
            if (Files.exists(candidate)) {
                artifacts.add(candidate);
            }
        }
        List<String> names = new ArrayList<>();
        for (Path artifact : artifacts) {
            names.addAll(namesIn(artifact));
        }

        assertTrue(names.stream().anyMatch(name -> name.endsWith("dev/mistralgateway/http/GatewayEntry.class")),
                "the scan must see the gateway's own classes; it saw " + names.size() + " names in " + artifacts);
        assertEquals(List.of(), names.stream().filter(PackagedArtifactIT::standInOnly).toList());
    }

    /** A file's name, a folder's files (each a name, and read further when a jar or zip), or a zip's entries. */
    private static List<String> namesIn(Path path) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    names.addAll(namesIn(file));
                }
            }
            return names;
        }
        names.add(path.toString());
        String file = path.getFileName().toString();
        if (file.endsWith(".jar") || file.endsWith(".zip")) {
            try (ZipFile zip = new ZipFile(path.toFile())) {
                for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                    names.add(path.getFileName() + "!/" + entries.nextElement().getName());
                }
            }
        }
        return names;
    }
}
