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

    /** The lines completed by these bytes, as UTF-8 bytes: JSON parsers read bytes directly. */
    public List<byte[]> feed(byte[] bytes) {
        pending.append(bytes);
        List<byte[]> lines = new ArrayList<>(2);
        for (byte[] line = pending.nextLineBytes(); line != null; line = pending.nextLineBytes()) {
            if (!isBlank(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    public List<byte[]> finish() {
        byte[] rest = pending.restBytes();
        return isBlank(rest) ? List.of() : List.of(rest);
    }

    /** As {@link String#isBlank()} for the ASCII whitespace an NDJSON stream may hold between lines. */
    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b < 0 || !Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }
}
