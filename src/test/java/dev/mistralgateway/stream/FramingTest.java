package dev.mistralgateway.stream;

import static dev.mistralgateway.testing.Fixtures.kong;
import static dev.mistralgateway.testing.Json.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Kong's stream fixtures, cut in two at every byte: the frames read back are the same wherever the
 * network split them.
 */
class FramingTest {

    private static List<String> expectedData(String fixture) {
        List<String> expected = new ArrayList<>();
        tree(kong(fixture)).forEach(event -> expected.add(event.get("data").textValue()));
        return expected;
    }

    @Test
    void sseEventsSurviveEverySplit() {
        byte[] input = kong("unit/streaming-chunk-formats/text-event-stream/input.bin").getBytes(StandardCharsets.UTF_8);
        List<String> expected = expectedData("unit/streaming-chunk-formats/text-event-stream/expected-output.json");
        expected.add("[DONE]");

        for (int cut = 0; cut <= input.length; cut++) {
            SseEvents events = new SseEvents();
            List<String> read = new ArrayList<>(events.feed(Arrays.copyOfRange(input, 0, cut)));
            read.addAll(events.feed(Arrays.copyOfRange(input, cut, input.length)));
            read.addAll(events.finish());
            assertEquals(expected, read, "cut at byte " + cut);
        }
    }

    @Test
    void jsonLinesSurviveEverySplitAndCrlf() {
        byte[] input = kong("unit/streaming-chunk-formats/complete-json/input.bin").getBytes(StandardCharsets.UTF_8);
        List<String> expected = expectedData("unit/streaming-chunk-formats/complete-json/expected-output.json");

        for (int cut = 0; cut <= input.length; cut++) {
            JsonLines lines = new JsonLines();
            List<byte[]> read = new ArrayList<>(lines.feed(Arrays.copyOfRange(input, 0, cut)));
            read.addAll(lines.feed(Arrays.copyOfRange(input, cut, input.length)));
            read.addAll(lines.finish());
            assertEquals(expected, read.stream().map(line -> new String(line, StandardCharsets.UTF_8)).toList(),
                    "cut at byte " + cut);
        }
    }

    @Test
    void multiByteCharactersCutInHalfArriveWhole() {
        byte[] input = "data: {\"text\":\"déjà vu 🙂\"}\n\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= input.length; cut++) {
            SseEvents events = new SseEvents();
            List<String> read = new ArrayList<>(events.feed(Arrays.copyOfRange(input, 0, cut)));
            read.addAll(events.feed(Arrays.copyOfRange(input, cut, input.length)));
            assertEquals(List.of("{\"text\":\"déjà vu 🙂\"}"), read, "cut at byte " + cut);
        }
    }

    @Test
    void multiLineDataIsJoinedAndWrittenBackAsSeveralDataLines() {
        SseEvents events = new SseEvents();
        List<String> read = events.feed("data: {\ndata:\"a\":1}\nid: 1\n: comment\n\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("{\n\"a\":1}"), read);
        assertEquals("data: {\ndata: \"a\":1}\n\n",
                new String(new SseWriter().event(read.get(0)).drain(), StandardCharsets.UTF_8));
    }
}
