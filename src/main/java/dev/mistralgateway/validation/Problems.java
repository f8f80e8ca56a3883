package dev.mistralgateway.validation;

import java.util.ArrayList;
import java.util.List;

import dev.mistralgateway.config.EnvNames;
import io.quarkus.runtime.configuration.ConfigurationException;

/** Collects configuration problems so that one start-up failure reports all of them. */
final class Problems {
    private final List<String> messages = new ArrayList<>();

    void add(String property, String message) {
        messages.add(EnvNames.of(property) + ": " + message);
    }

    void add(String message) {
        messages.add(message);
    }

    int count() {
        return messages.size();
    }

    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigurationException("The gateway's configuration is invalid:\n  - "
                    + String.join("\n  - ", messages));
        }
    }
}
