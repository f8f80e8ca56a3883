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
        int newline = nextNewline();
        if (newline < 0) {
            return null;
        }
        String line = new String(bytes, 0, lineEnd(newline), StandardCharsets.UTF_8);
        consume(newline + 1);
        return line;
    }

    /** {@link #nextLine()} as UTF-8 bytes, for a parser that reads bytes. */
    byte[] nextLineBytes() {
        int newline = nextNewline();
        if (newline < 0) {
            return null;
        }
        byte[] line = Arrays.copyOf(bytes, lineEnd(newline));
        consume(newline + 1);
        return line;
    }

    /** Whatever is left, as a last line without its newline (an upstream may end without one). */
    String rest() {
        String rest = new String(bytes, 0, lineEnd(length), StandardCharsets.UTF_8);
        consume(length);
        return rest;
    }

    byte[] restBytes() {
        byte[] rest = Arrays.copyOf(bytes, lineEnd(length));
        consume(length);
        return rest;
    }

    private int nextNewline() {
        for (int i = scanned; i < length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        scanned = length;
        return -1;
    }

    /** Where the line that ends at {@code end} (a newline, or the end of the bytes) ends, less a {@code \r}. */
    private int lineEnd(int end) {
        return end > 0 && bytes[end - 1] == '\r' ? end - 1 : end;
    }

    private void consume(int count) {
        System.arraycopy(bytes, count, bytes, 0, length - count);
        length -= count;
        scanned = 0;
    }
}
