package dev.mistralgateway.stream;

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
        for (int i = scanned; i < length; i++) {
            if (bytes[i] == '\n') {
                int end = i > 0 && bytes[i - 1] == '\r' ? i - 1 : i;
                String line = new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
                consume(i + 1);
                return line;
            }
        }
        scanned = length;
        return null;
    }

    /** Whatever is left, as a last line without its newline (an upstream may end without one). */
    String rest() {
        int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
        String rest = new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
        consume(length);
        return rest;
    }

    private void consume(int count) {
        System.arraycopy(bytes, count, bytes, 0, length - count);
        length -= count;
        scanned = 0;
    }
}
