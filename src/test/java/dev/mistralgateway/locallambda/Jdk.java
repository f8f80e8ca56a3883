package dev.mistralgateway.locallambda;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * A JDK on this machine, as its {@code release} file describes it. An AOT cache is tied to the very JVM
 * build that made it, and to its processor architecture.
 */
record Jdk(Path home, String version, String runtimeVersion, String implementor, String arch, String releaseText) {

    /** Where the build and the tests look for a JDK 25 or later, in this order, besides their own JVM. */
    static final String PROPERTY = "gateway.java25.home";
    static final String VARIABLE = "JAVA25_HOME";
    static final String MISSING = "no JDK 25 or later: the java25 function's AOT cache needs one. Run Maven on it "
            + "(JAVA_HOME), or name it with the " + VARIABLE + " environment variable or -D" + PROPERTY + "=...";

    static Jdk at(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
            throw new IllegalArgumentException(home + " is not a JDK (no release file or bin/java)");
        }
        try {
            String text = Files.readString(release);
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(release)) {
                p.load(reader);
            }
            return new Jdk(home, unquote(p.getProperty("JAVA_VERSION")), unquote(p.getProperty("JAVA_RUNTIME_VERSION")),
                    unquote(p.getProperty("IMPLEMENTOR")), unquote(p.getProperty("OS_ARCH")), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature release: 25 for "25.0.3". */
    int feature() {
        return Integer.parseInt(version.split("[.+-]")[0]);
    }

    /** "JDK 25.0.3+9-LTS (Eclipse Adoptium, x86_64)" */
    String describe() {
        return "JDK " + runtimeVersion + " (" + implementor + ", " + arch + ")";
    }

    /**
     * A JDK 25 or later: the one named by {@value #PROPERTY} or {@value #VARIABLE}, else this JVM if it
     * is one; empty when there is none. A JDK named but older, or not a JDK at all, is an error.
     */
    static Optional<Jdk> java25() {
        String named = System.getProperty(PROPERTY, "").strip();
        if (named.isEmpty() || named.startsWith("${")) { // an unset Maven property arrives unresolved
            named = System.getenv().getOrDefault(VARIABLE, "").strip();
        }
        if (!named.isEmpty()) {
            Jdk jdk = at(Path.of(named));
            if (jdk.feature() < 25) {
                throw new IllegalArgumentException(named + " is a JDK " + jdk.version() + ", not 25 or later");
            }
            return Optional.of(jdk);
        }
        Jdk own = at(Path.of(System.getProperty("java.home")));
        return own.feature() >= 25 ? Optional.of(own) : Optional.empty();
    }

    private static String unquote(String value) {
        return value == null ? "" : value.strip().replaceAll("^\"|\"$", "");
    }
}
