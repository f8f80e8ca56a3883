package dev.mistralgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image breaks and a JVM forgives, checked on the compiled classes (their types by
 * reflection, their code with ASM), since no native build runs here. Each test names the native
 * failure it prevents; the {@code native} workflow then runs the integration tests on the binaries.
 */
class NativeReadinessTest {

    /** Packages whose records are the JSON the gateway writes itself. */
    private static final Set<String> JSON_SHAPES = Set.of("dev.mistralgateway.answers", "dev.mistralgateway.error");

    /** Types that hold sockets, threads or event loops: never in a static field. */
    private static final Set<String> CLIENT_TYPES = Set.of("jakarta.ws.rs.client.Client",
            "org.jboss.resteasy.reactive.client.impl.ClientImpl", "io.vertx.core.Vertx",
            "io.vertx.core.http.HttpClient", "io.vertx.mutiny.core.Vertx", "java.net.http.HttpClient");

    /**
     * Calls that give a different value on each start: run in a static initialiser, which Quarkus
     * has native-image run at build time, they give every instance of the binary the build's value.
     */
    private static final Set<Call> DIFFERENT_EACH_START = Set.of(new Call("java/security/SecureRandom", "<init>"),
            new Call("java/util/Random", "<init>"), new Call("java/util/SplittableRandom", "<init>"),
            new Call("java/util/concurrent/ThreadLocalRandom", "current"), new Call("java/lang/Math", "random"),
            new Call("java/util/UUID", "randomUUID"), new Call("java/lang/System", "currentTimeMillis"),
            new Call("java/lang/System", "nanoTime"), new Call("java/time/Instant", "now"),
            new Call("java/time/LocalDateTime", "now"), new Call("java/time/OffsetDateTime", "now"));

    /**
     * Static state drawn at class initialisation and drawn again at run time, before any request, by
     * a start-up bean's constructor: the class, and the bean and method that draw it again.
     */
    private static final Map<String, Call> DRAWN_AGAIN_AT_START = Map.of(
            "dev/mistralgateway/answers/Ids",
            new Call("dev/mistralgateway/observe/IdsAfterRestore", "dev/mistralgateway/answers/Ids.reseed"));

    /**
     * Service interfaces whose files Quarkus reads at build time, registering what they name for the
     * native image (configuration sources and converters). A provider of any other interface would be
     * missing from the binary: ServiceLoader finds nothing there unless it is registered.
     */
    private static final Set<String> SERVICES_QUARKUS_REGISTERS = Set.of("io.smallrye.config.ConfigSourceFactory",
            "org.eclipse.microprofile.config.spi.ConfigSource", "org.eclipse.microprofile.config.spi.ConfigSourceProvider",
            "org.eclipse.microprofile.config.spi.Converter", "io.smallrye.config.ConfigSourceInterceptor",
            "io.smallrye.config.ConfigSourceInterceptorFactory");

    private static final Set<String> RESOURCE_READS = Set.of("getResource", "getResourceAsStream", "getResources",
            "getSystemResource", "getSystemResourceAsStream", "getSystemResources");

    /** A method called, as {@code owner} (internal name) and {@code name}. */
    private record Call(String owner, String name) {
    }

    /** What a class's code does that a native image cares about. */
    private record Code(String className, List<Call> staticInitialiser, List<Call> constructors, List<String> resourcesRead) {
    }

    private static Path classesRoot() throws URISyntaxException {
        return Path.of(NativeReadinessTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
    }

    private static List<Path> classFiles() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.walk(classesRoot())) {
            return files.filter(f -> f.toString().endsWith(".class")).toList();
        }
    }

    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = classesRoot();
        List<Class<?>> classes = new ArrayList<>();
        for (Path file : classFiles()) {
            String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
            classes.add(Class.forName(name, false, NativeReadinessTest.class.getClassLoader()));
        }
        return classes;
    }

    /** Each main class's static initialiser and constructor calls, and the resource names it reads. */
    private static List<Code> mainCode() throws IOException, URISyntaxException {
        List<Code> code = new ArrayList<>();
        for (Path file : classFiles()) {
            ClassReader reader = new ClassReader(Files.readAllBytes(file));
            Code read = new Code(reader.getClassName(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    List<Call> calls = name.equals("<clinit>") ? read.staticInitialiser()
                            : name.equals("<init>") ? read.constructors() : null;
                    return new MethodVisitor(Opcodes.ASM9) {
                        private String lastString;

                        @Override
                        public void visitLdcInsn(Object value) {
                            lastString = value instanceof String text ? text : null;
                        }

                        @Override
                        public void visitVarInsn(int opcode, int variable) {
                            lastString = null;
                        }

                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String descriptor,
                                boolean isInterface) {
                            if (calls != null) {
                                calls.add(new Call(owner, method));
                            }
                            if (RESOURCE_READS.contains(method)
                                    && (owner.equals("java/lang/Class") || owner.equals("java/lang/ClassLoader"))) {
                                read.resourcesRead().add(lastString == null ? "(a name made at run time)" : lastString);
                            }
                            lastString = null;
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            code.add(read);
        }
        return code;
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

    /**
     * Prevents a native image from silently sharing one salt, seed or start time among all its
     * instances: Quarkus has native-image initialise classes at build time, so a static field drawn
     * from randomness or the clock holds the build machine's value in every binary. Such state is
     * drawn at run time (a bean's constructor, at start-up) or drawn again there (listed above).
     */
    @Test
    void noStaticStateIsDrawnFromRandomnessOrTheClockAtBuildTime() throws Exception {
        List<String> frozen = new ArrayList<>();
        List<Code> code = mainCode();
        for (Code type : code) {
            List<Call> drawn = type.staticInitialiser().stream().filter(DIFFERENT_EACH_START::contains).toList();
            if (drawn.isEmpty()) {
                continue;
            }
            Call again = DRAWN_AGAIN_AT_START.get(type.className());
            boolean redrawn = again != null && code.stream().anyMatch(other -> other.className().equals(again.owner())
                    && other.constructors().stream().anyMatch(call -> (call.owner() + "." + call.name()).equals(again.name())))
                    && Class.forName(again.owner().replace('/', '.'), false, getClass().getClassLoader())
                            .isAnnotationPresent(Startup.class);
            if (!redrawn) {
                frozen.add(type.className() + " " + drawn);
            }
        }
        assertEquals(List.of(), frozen, "static state drawn at build time in a native image: draw it at run time "
                + "(a @Startup bean's constructor), or draw it again there and list it in DRAWN_AGAIN_AT_START");
    }

    /**
     * Prevents a provider that works on the JVM and is absent from the binary: ServiceLoader only finds,
     * in a native image, the providers registered at build time.
     */
    @Test
    void everyServiceProviderIsOneQuarkusRegisters() throws Exception {
        Path services = classesRoot().resolve("META-INF/services");
        List<String> problems = new ArrayList<>();
        int providers = 0;
        if (Files.isDirectory(services)) {
            try (Stream<Path> files = Files.list(services)) {
                for (Path file : files.toList()) {
                    String service = file.getFileName().toString();
                    if (!SERVICES_QUARKUS_REGISTERS.contains(service)) {
                        problems.add(service + ": Quarkus does not register its providers for the native image");
                    }
                    Class<?> serviceType = Class.forName(service, false, getClass().getClassLoader());
                    for (String line : Files.readAllLines(file)) {
                        String provider = line.replaceAll("#.*", "").strip();
                        if (provider.isEmpty()) {
                            continue;
                        }
                        providers++;
                        Class<?> type = Class.forName(provider, false, getClass().getClassLoader());
                        if (!serviceType.isAssignableFrom(type)) {
                            problems.add(provider + " does not implement " + service);
                        }
                        try {
                            if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
                                problems.add(provider + " has no public no-argument constructor");
                            }
                        } catch (NoSuchMethodException none) {
                            problems.add(provider + " has no public no-argument constructor");
                        }
                    }
                }
            }
        }
        assertTrue(providers >= 3, "found only " + providers + " service providers: the scan is looking in the wrong place");
        assertEquals(List.of(), problems);
    }

    /**
     * Prevents a resource that the JVM finds on the class path and the binary lacks: a native image
     * holds only the resources listed in {@code quarkus.native.resources.includes} (and those Quarkus
     * adds itself). Every resource the main code reads must be named by a constant and listed there.
     */
    @Test
    void everyResourceReadAtRunTimeIsInTheImage() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(classesRoot().resolve("application.properties"))) {
            properties.load(in);
        }
        List<String> included = List.of(properties.getProperty("quarkus.native.resources.includes", "").split(","));
        List<String> missing = new ArrayList<>();
        for (Code type : mainCode()) {
            for (String resource : type.resourcesRead()) {
                String path = resource.replaceFirst("^/", "");
                if (included.stream().map(String::strip).noneMatch(glob -> !glob.isEmpty()
                        && FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path)))) {
                    missing.add(type.className() + " reads " + resource);
                }
            }
        }
        assertEquals(List.of(), missing, "list each in quarkus.native.resources.includes (application.properties)");
    }

    /**
     * Prevents a JSON shape that the JVM writes and the binary writes as {@code {}} or fails on:
     * Jackson finds a type's accessors by reflection, and a native image only has the reflection data
     * of registered types. Any type carrying a Jackson annotation is one Jackson binds.
     */
    @Test
    void everyTypeWithJacksonAnnotationsIsRegisteredForReflection() throws Exception {
        List<String> missing = new ArrayList<>();
        int annotated = 0;
        for (Class<?> type : mainClasses()) {
            List<AnnotatedElement> elements = new ArrayList<>(List.of(type));
            elements.addAll(List.of(type.getDeclaredFields()));
            elements.addAll(List.of(type.getDeclaredMethods()));
            if (type.isRecord()) {
                elements.addAll(List.of(type.getRecordComponents()));
            }
            boolean jackson = elements.stream().flatMap(element -> Stream.of(element.getAnnotations()))
                    .map(Annotation::annotationType).anyMatch(a -> a.getPackageName().startsWith("com.fasterxml.jackson"));
            if (jackson) {
                annotated++;
                if (!type.isAnnotationPresent(RegisterForReflection.class)) {
                    missing.add(type.getName());
                }
            }
        }
        assertTrue(annotated >= 3,
                "found only " + annotated + " types with Jackson annotations: the scan is looking in the wrong place");
        assertEquals(List.of(), missing, "types Jackson binds need @RegisterForReflection in a native image");
    }
}
