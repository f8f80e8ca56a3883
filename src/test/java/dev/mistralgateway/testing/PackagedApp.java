package dev.mistralgateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged application the integration tests start, as its user starts it: {@code java -jar} on
 * the built jar, or, when the build made a native executable ({@code -Dnative}, whose path the
 * {@code gateway.app.native} property names), that executable. The same tests run against either;
 * only the artifact differs.
 */
public final class PackagedApp {

    private PackagedApp() {
    }

    /** Whether the tests run against the native executable. */
    public static boolean isNative() {
        return !System.getProperty("gateway.app.native", "").isBlank();
    }

    /** Which artifact, for the figures: {@code native} or {@code JVM}. */
    public static String kind() {
        return isNative() ? "native" : "JVM";
    }

    /**
     * The command that starts it, with these options ({@code -Xmx64m}): before {@code -jar} for the
     * JVM; after the executable for a native one, which reads the same memory options at run time.
     */
    public static List<String> command(String... options) {
        List<String> command = new ArrayList<>();
        if (isNative()) {
            command.add(System.getProperty("gateway.app.native"));
            command.addAll(List.of(options));
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(options));
            command.add("-jar");
            command.add(System.getProperty("gateway.app.jar"));
        }
        return command;
    }

    /** The resident memory of a process, in MB (Linux; -1 elsewhere). */
    public static long residentMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            // not Linux, or the process has ended
        }
        return -1;
    }

    /**
     * Prints a measured figure and adds it, as a table row, to {@code target/figures.md}, which the
     * {@code native} workflow puts on its job summary beside the sizes of the artifacts.
     */
    public static void report(String what, String value) {
        System.out.printf("%s (%s): %s%n", what, kind(), value);
        Path figures = Path.of(System.getProperty("gateway.build.directory", "target"), "figures.md");
        try {
            if (!Files.exists(figures)) {
                Files.writeString(figures, "| artifact | measured | value |\n|---|---|---|\n", StandardCharsets.UTF_8);
            }
            Files.writeString(figures, "| " + kind() + " | " + what + " | " + value + " |\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException notWritten) {
            System.out.println("figures not written to " + figures + ": " + notWritten);
        }
    }
}
