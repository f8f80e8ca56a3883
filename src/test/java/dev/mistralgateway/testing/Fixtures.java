package dev.mistralgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Kong's test fixtures, copied under {@code src/test/resources/kong/} (see the NOTICE there). */
public final class Fixtures {

    private Fixtures() {
    }

    /** A fixture's text, by its path under {@code kong/}, e.g. {@code unit/requests/llm-v1-chat.json}. */
    public static String kong(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream("kong/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture kong/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
