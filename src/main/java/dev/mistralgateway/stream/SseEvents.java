package dev.mistralgateway.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Server-Sent Events read incrementally, per the WHATWG rules a client applies: fields are lines,
 * an empty line ends an event, several {@code data:} lines join with newlines, comments (lines
 * starting with {@code :}) and other fields are ignored. Feed bytes as they arrive, get back the
 * {@code data} of each event completed so far; an event the upstream left unterminated at its end
 * comes out of {@link #finish()}.
 */
public final class SseEvents {

    private final ByteAccumulator pending = new ByteAccumulator();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    public List<String> feed(byte[] bytes) {
        pending.append(bytes);
        List<String> events = new ArrayList<>(2);
        for (String line = pending.nextLine(); line != null; line = pending.nextLine()) {
            accept(line, events);
        }
        return events;
    }

    public List<String> finish() {
        List<String> events = new ArrayList<>(1);
        String rest = pending.rest();
        if (!rest.isEmpty()) {
            accept(rest, events);
        }
        accept("", events);
        return events;
    }

    private void accept(String line, List<String> events) {
        if (line.isEmpty()) {
            if (hasData) {
                events.add(data.toString());
            }
            data.setLength(0);
            hasData = false;
        } else if (line.startsWith("data:")) {
            if (hasData) {
                data.append('\n');
            }
            int start = line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5;
            data.append(line, start, line.length());
            hasData = true;
        }
    }
}
