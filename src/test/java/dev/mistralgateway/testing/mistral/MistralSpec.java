package dev.mistralgateway.testing.mistral;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.mistralgateway.standin.MistralContract;

/** Mistral's published spec as the tests have it, on their classpath: read and compiled once per JVM. */
public final class MistralSpec {

    /** The spec on the test classpath ({@code src/test/resources}, with its NOTICE). */
    public static final String RESOURCE = "mistral/openapi.yaml";

    private MistralSpec() {
    }

    public static MistralContract contract() {
        return Loaded.CONTRACT;
    }

    private static final class Loaded {

        static final MistralContract CONTRACT;

        static {
            try (InputStream in = MistralSpec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the test classpath");
                }
                CONTRACT = MistralContract.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
