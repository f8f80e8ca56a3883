package dev.mistralgateway.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole {@code text/event-stream} body the way a client does, to check what it received;
 * deliberately simple and separate from the gateway's own parser.
 */
public final class SseBody {

    private SseBody() {
    }

    /** The {@code data} of each event, in order; fails on anything but {@code data:} lines and blank lines. */
    public static List<String> data(String body) {
        if (!body.endsWith("\n\n")) {
            throw new AssertionError("an event stream ends with a blank line: " + body);
        }
        List<String> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : event.split("\n")) {
                if (!line.startsWith("data: ")) {
                    throw new AssertionError("not a data line: '" + line + "' in " + body);
                }
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(6));
            }
            events.add(data.toString());
        }
        return events;
    }
}
