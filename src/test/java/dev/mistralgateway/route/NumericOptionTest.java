package dev.mistralgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalDouble;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A template's value per request, read as its option's number in the range start-up checks a literal against. */
class NumericOptionTest {

    @ParameterizedTest
    @CsvSource({
            "MAX_TOKENS,  1,           1",
            "MAX_TOKENS,  2147483647,  2147483647",
            "MAX_TOKENS,  2147483648,  ",
            "MAX_TOKENS,  0,           ",
            "MAX_TOKENS,  016,         ",
            "MAX_TOKENS,  1.0,         ",
            "TEMPERATURE, 0,           0",
            "TEMPERATURE, 5,           5",
            "TEMPERATURE, 5.01,        ",
            "TEMPERATURE, 7e-1,        0.7",
            "TEMPERATURE, Infinity,    ",
            "TEMPERATURE, 1.,          ",
            "TOP_P,       1,           1",
            "TOP_P,       0.95,        0.95",
            "TOP_P,       1.5,         ",
            "TOP_P,       -0,          0",
            "TOP_K,       0,           0",
            "TOP_K,       500,         500",
            "TOP_K,       501,         ",
            "TOP_K,       40.5,        " })
    void aValueIsTheOptionsNumberOnlyWithinItsRange(NumericOption option, String value, Double expected) {
        assertEquals(expected == null ? OptionalDouble.empty() : OptionalDouble.of(expected), option.read(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MAX_TOKENS  | a whole number of at least 1",
            "TEMPERATURE | a number between 0.0 and 5.0",
            "TOP_P       | a number between 0.0 and 1.0",
            "TOP_K       | a whole number between 0 and 500" })
    void theRangeIsNamedAsTheStartUpNamesIt(NumericOption option, String range) {
        assertEquals(range, option.range());
    }
}
