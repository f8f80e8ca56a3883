package dev.mistralgateway.openai;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers for answers and tool calls the gateway makes up, in OpenAI's style. */
public final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** E.g. {@code chatcmpl-3f2a...}: the prefix and 24 random hex digits (unique enough, and cheap). */
    public static String next(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        int low = random.nextInt();
        StringBuilder id = new StringBuilder(prefix.length() + 24).append(prefix);
        for (int shift = 60; shift >= 0; shift -= 4) {
            id.append(HEX[(int) (high >>> shift) & 0xf]);
        }
        for (int shift = 28; shift >= 0; shift -= 4) {
            id.append(HEX[(low >>> shift) & 0xf]);
        }
        return id.toString();
    }
}
