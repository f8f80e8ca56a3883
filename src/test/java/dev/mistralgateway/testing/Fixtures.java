package dev.mistralgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Test fixtures: Kong's, copied under {@code src/test/resources/kong/} (see the NOTICE there), and
 * the project's own golden files.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** A fixture's text, by its path under {@code kong/}, e.g. {@code unit/requests/llm-v1-chat.json}. */
    public static String kong(String path) {
        return resource("kong/" + path);
    }

    /** A test resource's text, by its path under {@code src/test/resources/}. */
    public static String resource(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
