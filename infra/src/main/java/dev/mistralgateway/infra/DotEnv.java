package dev.mistralgateway.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a dotenv file: {@code NAME=value} lines, blank lines and whole-line {@code #} comments.
 * A value may be wrapped in one pair of quotes (the project README writes {@code "Bearer <key>"});
 * a {@code #} inside a value is kept, since URLs and keys may contain one.
 */
final class DotEnv {

    /** One variable, with its line number so that errors can point at it. */
    record Line(String file, int number, String name, String value) {
        String where() {
            return file + " line " + number + " (" + name + ")";
        }
    }

    private static final Pattern ASSIGNMENT = Pattern.compile("^(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)$");

    private DotEnv() {
    }

    static List<Line> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Gateway configuration " + file + " not found (context value 'config')");
        }
        try {
            return parse(file.toString(), Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static List<Line> parse(String fileName, List<String> text) {
        List<Line> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < text.size(); i++) {
            String raw = text.get(i).strip();
            if (raw.isEmpty() || raw.startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(raw);
            if (!m.matches()) {
                throw new IllegalArgumentException(fileName + " line " + (i + 1) + ": expected NAME=value, got: " + raw);
            }
            Line line = new Line(fileName, i + 1, m.group(1), unquote(m.group(2).strip()));
            if (!seen.add(line.name())) {
                throw new IllegalArgumentException(line.where() + ": set twice");
            }
            lines.add(line);
        }
        return lines;
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
                return value.substring(1, value.length() - 1);
            }
        }
        return value;
    }
}
