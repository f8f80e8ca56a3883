package dev.mistralgateway.observe;

import java.io.ByteArrayOutputStream;

/**
 * The events a stream sent to its client: how many, for a token estimate when the upstream
 * reports no usage, and the first bytes, for payload logging.
 */
public final class SentEvents {

    private final int keep;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private int events;

    SentEvents(int keep) {
        this.keep = keep;
    }

    public synchronized void add(byte[] bytes) {
        for (int i = 1; i < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\n') {
                events++;
            }
        }
        kept.write(bytes, 0, Math.max(0, Math.min(bytes.length, keep - kept.size())));
    }

    synchronized int events() {
        return events;
    }

    synchronized byte[] kept() {
        return kept.toByteArray();
    }
}
