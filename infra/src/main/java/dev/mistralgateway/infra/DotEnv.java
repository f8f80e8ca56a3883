package dev.mistralgateway.infra;

import java.io.IOException;
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
 *
 * <p>
 * A quoted value may span lines, as the README's pasted Kong {@code config:} block does: it ends at
 * the first line that ends with its opening quote, and its lines are kept as written (YAML needs their
 * indentation). As in a shell, single quotes keep everything; inside double quotes {@code \"},
 * {@code \\}, {@code \$} and {@code \`} stand for the character after the backslash, so a line may end
 * with an escaped {@code "} and a file that a shell can {@code source} means the same here.
 */
final class DotEnv {

    /** One variable, with its line number so that errors can point at it. */
    record Line(String file, int number, String name, String value) {
        String where() {
            return file + " line " + number + " (" + name + ")";
        }
    }

    /** What a backslash escapes inside a shell's double quotes; before any other character it stays. */
    private static final Pattern SHELL_ESCAPE = Pattern.compile("\\\\([\"\\\\$`])");
    private static final Pattern ASSIGNMENT = Pattern.compile("^(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)$");

    private DotEnv() {
    }

    static List<Line> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationError("Gateway configuration " + file + " not found (context value 'config')");
        }
        try {
            return parse(file.toString(), Files.readAllLines(file));
        } catch (IOException e) {
            throw new ConfigurationError("cannot read " + file + " (context value 'config'): " + e.getMessage());
        }
    }

    static List<Line> parse(String fileName, List<String> text) {
        List<Line> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String hint = "";
        for (int i = 0; i < text.size(); i++) {
            String raw = text.get(i).strip();
            if (raw.isEmpty() || raw.startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(raw);
            if (!m.matches()) {
                throw new ConfigurationError(fileName + " line " + (i + 1) + ": expected NAME=value, got: " + raw + hint);
            }
            Line line = new Line(fileName, i + 1, m.group(1), null);
            StringBuilder value = new StringBuilder(m.group(2).strip());
            while (opensWithoutClosing(value)) {
                if (++i == text.size()) {
                    throw new ConfigurationError(line.where() + ": the quote (" + value.charAt(0) + ") that opens "
                            + "the value is never closed; a quoted value ends at the first line that ends with the same quote");
                }
                value.append('\n').append(text.get(i).stripTrailing());
            }
            // A line that is no assignment right after a value of several lines most likely belongs to it.
            hint = i + 1 == line.number() ? ""
                    : " (the quoted value of " + line.name() + " (line " + line.number()
                            + ") ended on line " + (i + 1)
                            + ", the first line that ends with its quote: no line inside may end with "
                            + "it; use the other quotes there, or, inside double quotes, write \\\" for one)";
            line = new Line(fileName, line.number(), line.name(), unquote(value.toString()));
            if (!seen.add(line.name())) {
                throw new ConfigurationError(line.where() + ": set twice");
            }
            lines.add(line);
        }
        return lines;
    }

    /** Whether the value starts with a quote that no (unescaped) quote at its end closes yet. */
    private static boolean opensWithoutClosing(CharSequence value) {
        if (value.isEmpty() || (value.charAt(0) != '"' && value.charAt(0) != '\'')) {
            return false;
        }
        char quote = value.charAt(0);
        int end = value.length() - 1;
        if (end == 0 || value.charAt(end) != quote) {
            return true;
        }
        if (quote == '\'') {
            return false;
        }
        int backslashes = 0;
        for (int at = end - 1; at > 0 && value.charAt(at) == '\\'; at--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
                String inner = value.substring(1, value.length() - 1);
                return first == '"' ? SHELL_ESCAPE.matcher(inner).replaceAll("$1") : inner;
            }
        }
        return value;
    }
}
