package dev.mistralgateway.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The client's side of a stream: {@code data: <json>\n\n} events and the final {@code data: [DONE]}. */
public final class SseWriter {

    public static final String CONTENT_TYPE = "text/event-stream";

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    /** An event whose data may span lines: each line gets its own {@code data:} field. */
    public SseWriter event(String data) {
        int start = 0;
        for (int newline = data.indexOf('\n'); newline >= 0; newline = data.indexOf('\n', start)) {
            out.writeBytes(DATA);
            out.writeBytes(data.substring(start, newline).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            start = newline + 1;
        }
        return event(data.substring(start).getBytes(StandardCharsets.UTF_8));
    }

    public SseWriter event(byte[] data) {
        out.writeBytes(DATA);
        out.writeBytes(data);
        out.writeBytes(END);
        return this;
    }

    /** A named event ({@code event: <name>}), as APIs that say each event's kind in the stream send it. */
    public SseWriter event(String name, byte[] data) {
        out.writeBytes(EVENT);
        out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        return event(data);
    }

    /** An event whose data is these pieces one after the other, e.g. JSON cut around a value. */
    public SseWriter eventOfParts(byte[]... data) {
        out.writeBytes(DATA);
        for (byte[] part : data) {
            out.writeBytes(part);
        }
        out.writeBytes(END);
        return this;
    }

    public SseWriter done() {
        out.writeBytes(DONE);
        return this;
    }

    /** The events written since the last call, and a fresh start. */
    public byte[] drain() {
        byte[] bytes = out.toByteArray();
        out.reset();
        return bytes;
    }
}
