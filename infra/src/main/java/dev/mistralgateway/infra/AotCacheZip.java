package dev.mistralgateway.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What {@code ./mvnw package -Pjvm25} puts in target/function-jvm25.zip for the java25 runtime: the exec
 * wrapper that gives the JVM the class path the AOT cache was made with, the cache, and the release file of
 * the JDK that made it. A cache is used only by that very JVM build on the same processor architecture.
 */
record AotCacheZip(String jdk, String arch) {

    static final String WRAPPER = "java25/launch";
    static final String CACHE = "java25/app.aot";
    static final String RELEASE = "java25/jdk.release";
    /** The function's variables on Lambda, where the zip is unpacked into /var/task. */
    static final Map<String, String> VARIABLES = Map.of(
            "AWS_LAMBDA_EXEC_WRAPPER", "/var/task/" + WRAPPER,
            "JAVA_TOOL_OPTIONS", "-XX:AOTCache=/var/task/" + CACHE);

    static AotCacheZip read(Path zip, String name) {
        String build = "./mvnw package -Pjvm25 at the project root, with a JDK 25 (see docs/cold-start-and-native.md)";
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (String entry : new String[] { WRAPPER, CACHE, RELEASE }) {
                if (file.getEntry(entry) == null) {
                    throw new ConfigurationError(name + " holds no " + entry + ": it is not the java25 function "
                            + "with its AOT cache. Build it with " + build + ", or set -c artifact=...");
                }
            }
            Properties release = new Properties();
            ZipEntry entry = file.getEntry(RELEASE);
            try (InputStream in = file.getInputStream(entry)) {
                release.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            String arch = switch (value(release, "OS_ARCH")) {
                case "x86_64", "amd64" -> "x86_64";
                case "aarch64", "arm64" -> "arm64";
                default -> throw new ConfigurationError(name + ": its AOT cache was made on "
                        + value(release, "OS_ARCH") + ", an architecture Lambda does not run");
            };
            return new AotCacheZip(value(release, "IMPLEMENTOR") + " " + value(release, "JAVA_RUNTIME_VERSION"), arch);
        } catch (IOException e) {
            throw new ConfigurationError(name + " is not a readable zip (" + e.getMessage() + "); build it with " + build);
        }
    }

    private static String value(Properties release, String key) {
        return release.getProperty(key, "unknown").strip().replaceAll("^\"|\"$", "");
    }
}
