package dev.mistralgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Environment files as {@code infra/gateway.env} and {@code docs/examples/} write them: one
 * {@code NAME=value} a line, {@code #} comments, a value in double quotes that may span lines (a
 * pasted Kong block) and ends at the line ending in the closing quote.
 */
public final class EnvFiles {

    private EnvFiles() {
    }

    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> env = new HashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + " is no NAME=value line: " + line);
            }
            String value = line.substring(equals + 1);
            if (value.startsWith("\"")) {
                StringBuilder quoted = new StringBuilder(value.substring(1));
                while (!quoted.toString().endsWith("\"")) {
                    if (++i == lines.size()) {
                        throw new IllegalArgumentException(file + ": a quoted value is never closed");
                    }
                    quoted.append('\n').append(lines.get(i));
                }
                value = quoted.substring(0, quoted.length() - 1);
            }
            env.put(line.substring(0, equals), value);
        }
        return env;
    }
}
