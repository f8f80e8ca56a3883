package dev.mistralgateway.standin;

import static dev.mistralgateway.standin.MistralStandInSource.serves;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.LaunchMode;

/** When Mistral's stand-in serves: in dev mode without a key, when a test asks, never in a packaged application. */
class MistralStandInSourceTest {

    @Test
    void devModeUsesItWithoutAKeyAndMistralAiWithOne() {
        assertTrue(serves(LaunchMode.DEVELOPMENT, null, null));
        assertTrue(serves(LaunchMode.DEVELOPMENT, "auto", " "));
        assertFalse(serves(LaunchMode.DEVELOPMENT, null, "sk-dev-key"));
        assertTrue(serves(LaunchMode.DEVELOPMENT, "ON", "sk-dev-key"));
        assertFalse(serves(LaunchMode.DEVELOPMENT, "off", null));
    }

    @Test
    void testsGetItOnlyWhenTheyAsk() {
        assertFalse(serves(LaunchMode.TEST, null, null));
        assertTrue(serves(LaunchMode.TEST, "on", "sk-dev-key"));
    }

    @Test
    void aPackagedApplicationNeverGetsIt() {
        assertFalse(serves(LaunchMode.NORMAL, null, null));
        assertFalse(serves(LaunchMode.NORMAL, "on", null));
        assertFalse(serves(LaunchMode.NORMAL, "auto", null));
    }
}
