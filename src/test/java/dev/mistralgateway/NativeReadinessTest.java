package dev.mistralgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image breaks and a JVM forgives, checked on the compiled classes, since no native
 * build runs here: the JSON shapes Jackson writes by reflection are registered for it, and no
 * network client is made in a static initialiser (which a native image would run at build time).
 */
class NativeReadinessTest {

    /** Packages whose records are the JSON the gateway writes itself. */
    private static final Set<String> JSON_SHAPES = Set.of("dev.mistralgateway.openai", "dev.mistralgateway.error");

    /** Types that hold sockets, threads or event loops: never in a static field. */
    private static final Set<String> CLIENT_TYPES = Set.of("jakarta.ws.rs.client.Client",
            "org.jboss.resteasy.reactive.client.impl.ClientImpl", "io.vertx.core.Vertx",
            "io.vertx.core.http.HttpClient", "io.vertx.mutiny.core.Vertx", "java.net.http.HttpClient");

    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(NativeReadinessTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                classes.add(Class.forName(name, false, NativeReadinessTest.class.getClassLoader()));
            }
        }
        return classes;
    }

    @Test
    void everyJsonShapeIsRegisteredForReflection() throws Exception {
        List<String> missing = new ArrayList<>();
        int shapes = 0;
        for (Class<?> type : mainClasses()) {
            if (type.isRecord() && JSON_SHAPES.contains(type.getPackageName())) {
                shapes++;
                if (!type.isAnnotationPresent(RegisterForReflection.class)) {
                    missing.add(type.getName());
                }
            }
        }
        assertTrue(shapes >= 10, "found only " + shapes + " JSON records: the scan is looking in the wrong place");
        assertEquals(List.of(), missing, "records Jackson serialises need @RegisterForReflection in a native image");
    }

    @Test
    void noNetworkClientIsHeldStatically() throws Exception {
        List<String> offenders = new ArrayList<>();
        for (Class<?> type : mainClasses()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && CLIENT_TYPES.contains(field.getType().getName())) {
                    offenders.add(type.getName() + "." + field.getName());
                }
            }
        }
        assertEquals(List.of(), offenders, "clients belong to beans created at run time");
    }
}
