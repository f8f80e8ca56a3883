package dev.mistralgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Golden files for the pure translators' tests. A case's file {@code name} may instead be
 * {@code name.ref}, one line naming a fixture under {@code src/test/resources/} (Kong's, used as it
 * is). In an expected tree the text {@code "<any>"} stands for a value the translator makes up (an id);
 * every other field must be there, equal, and no field may be added.
 */
public final class GoldenJson {

    public static final String ANY = "<any>";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenJson() {
    }

    public static boolean exists(Path dir, String name) {
        return Files.exists(dir.resolve(name)) || Files.exists(dir.resolve(name + ".ref"));
    }

    public static byte[] bytes(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.exists(file)) {
            return Files.readAllBytes(file);
        }
        String fixture = Files.readString(dir.resolve(name + ".ref")).strip();
        return Fixtures.resource(fixture).getBytes(StandardCharsets.UTF_8);
    }

    public static JsonNode tree(Path dir, String name) throws IOException {
        return JSON.readTree(bytes(dir, name));
    }

    /**
     * The expected tree of a case; when the case has no such file yet and {@code -Dgolden.write=true}
     * is set, {@code actual} is written as it (for a person to read before committing it).
     */
    public static JsonNode expected(Path dir, String name, JsonNode actual) throws IOException {
        if (!exists(dir, name)) {
            write(dir, name, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        return tree(dir, name);
    }

    /** Writes a missing expected file under {@code -Dgolden.write=true}; fails the test otherwise. */
    public static void write(Path dir, String name, String content) throws IOException {
        if (!Boolean.getBoolean("golden.write")) {
            fail(dir + " has no " + name + " (write it, or run with -Dgolden.write=true to have it written)");
        }
        Files.writeString(dir.resolve(name), content);
    }

    public static void assertMatches(JsonNode expected, JsonNode actual, String where) {
        match(expected, actual, where, "");
    }

    private static void match(JsonNode expected, JsonNode actual, String where, String at) {
        if (expected.isTextual() && ANY.equals(expected.textValue())) {
            if (actual == null || actual.isMissingNode()) {
                fail(where + ": no value at " + at);
            }
            return;
        }
        if (expected.isObject() && actual != null && actual.isObject()) {
            assertEquals(names(expected), names(actual), where + ": the fields at " + (at.isEmpty() ? "/" : at));
            for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                match(field.getValue(), actual.get(field.getKey()), where, at + "/" + field.getKey());
            }
        } else if (expected.isArray() && actual != null && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                match(expected.get(i), actual.get(i), where, at + "/" + i);
            }
        } else if (expected.isNumber() && actual != null && actual.isNumber()) {
            assertEquals(expected.decimalValue().stripTrailingZeros(), actual.decimalValue().stripTrailingZeros(),
                    where + ": " + at);
        } else {
            assertEquals(expected, actual, where + ": " + (at.isEmpty() ? "/" : at));
        }
    }

    private static SortedSet<String> names(JsonNode object) {
        SortedSet<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
