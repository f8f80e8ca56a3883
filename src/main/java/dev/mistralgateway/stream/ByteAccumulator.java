package dev.mistralgateway.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes received but not yet framed. Splitting on {@code '\n'} bytes is safe in UTF-8: no
 * multi-byte sequence contains that byte, so a character cut across reads is never split.
 */
final class ByteAccumulator {

    private byte[] bytes = new byte[256];
    private int length;
    /** Where the search for the next newline resumes: earlier bytes hold none. */
    private int scanned;

    void append(byte[] more) {
        if (length + more.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more.length));
        }
        System.arraycopy(more, 0, bytes, length, more.length);
        length += more.length;
    }

    /** The next line without its {@code \n} or {@code \r\n}, or null when no line is complete yet. */
    String nextLine() {
        byte[] line = nextLineBytes();
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /** {@link #nextLine()} as UTF-8 bytes, for a parser that reads bytes. */
    byte[] nextLineBytes() {
        for (int i = scanned; i < length; i++) {
            if (bytes[i] == '\n') {
                int end = i > 0 && bytes[i - 1] == '\r' ? i - 1 : i;
                byte[] line = Arrays.copyOf(bytes, end);
                consume(i + 1);
                return line;
            }
        }
        scanned = length;
        return null;
    }

    /** Whatever is left, as a last line without its newline (an upstream may end without one). */
    String rest() {
        return new String(restBytes(), StandardCharsets.UTF_8);
    }

    byte[] restBytes() {
        int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
        byte[] rest = Arrays.copyOf(bytes, end);
        consume(length);
        return rest;
    }

    private void consume(int count) {
        System.arraycopy(bytes, count, bytes, 0, length - count);
        length -= count;
        scanned = 0;
    }
}
