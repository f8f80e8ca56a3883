package dev.mistralgateway.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Newline-delimited JSON (Ollama's {@code application/x-ndjson}) read incrementally: feed bytes as
 * they arrive, get back the lines completed so far. Blank lines are skipped; a last line without a
 * newline comes out of {@link #finish()}.
 */
public final class JsonLines {

    private final ByteAccumulator pending = new ByteAccumulator();

    public List<String> feed(byte[] bytes) {
        pending.append(bytes);
        List<String> lines = new ArrayList<>(2);
        for (String line = pending.nextLine(); line != null; line = pending.nextLine()) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    public List<String> finish() {
        String rest = pending.rest();
        return rest.isBlank() ? List.of() : List.of(rest);
    }
}
