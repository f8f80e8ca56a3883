package dev.mistralgateway.format.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The Mistral cloud hygiene table of {@code docs/journey.md} and the code cannot drift: every row of
 * the table has its golden case ({@code golden/formats/hygiene-<row>-*}, which {@code FormatGoldenTest}
 * runs and checks against Mistral's contract) and every case names a row of the table; every row has
 * its rule in {@link MistralCloudHygiene#CHAT} and every rule there its row.
 */
class HygieneRowsTest {

    private static final Path TABLE = Path.of("docs", "journey.md");
    private static final Path CASES = Path.of("src", "test", "resources", "golden", "formats");
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+[a-z]?) \\| ");
    private static final Pattern CASE = Pattern.compile("^hygiene-(\\d+[a-z]?)-");

    @Test
    void everyRowOfTheTableHasItsCaseAndEveryCaseItsRow() throws IOException {
        TreeSet<String> rows = rowsOfTheTable();
        TreeSet<String> cased = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(CASES)) {
            for (Path dir : dirs.toList()) {
                Matcher hygiene = CASE.matcher(dir.getFileName().toString());
                if (hygiene.find()) {
                    cased.add(hygiene.group(1));
                }
            }
        }

        assertEquals(List.copyOf(rows), List.copyOf(cased), "rows of " + TABLE + " vs hygiene cases");
        assertEquals(21, rows.size(), "rows read from " + TABLE);
    }

    @Test
    void everyRowOfTheTableHasItsRuleAndEveryRuleItsRow() throws IOException {
        TreeSet<String> ruled = new TreeSet<>();
        for (HygieneRule rule : MistralCloudHygiene.CHAT) {
            assertTrue(ruled.add(rule.row()), "rule " + rule.row() + " is in the code twice");
            assertFalse(rule.name().isBlank(), "rule " + rule.row() + " has no name");
        }

        assertEquals(List.copyOf(rowsOfTheTable()), List.copyOf(ruled), "rows of " + TABLE + " vs MistralCloudHygiene.CHAT");
    }

    private static TreeSet<String> rowsOfTheTable() throws IOException {
        TreeSet<String> rows = new TreeSet<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(TABLE)) {
            inTable = line.startsWith("| # | the client sends") || inTable && line.startsWith("|");
            Matcher row = ROW.matcher(line);
            if (inTable && row.find()) {
                rows.add(row.group(1));
            }
        }
        return rows;
    }
}
