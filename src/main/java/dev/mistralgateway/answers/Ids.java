package dev.mistralgateway.answers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers for answers and tool calls the gateway makes up, in OpenAI's style. */
public final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();

    /**
     * Mixed into every id. ThreadLocalRandom's seeds are part of a SnapStart snapshot, so every
     * instance restored from it would hand out the same ids; {@link #reseed()} after each restore
     * draws a new salt from the operating system, unique to the instance.
     */
    private static volatile long salt = new SecureRandom().nextLong();

    /** Mistral's cloud accepts only tool call ids of exactly this many letters or digits. */
    public static final int TOOL_CALL_ID_LENGTH = 9;

    private Ids() {
    }

    /** E.g. {@code chatcmpl-3f2a...}: the prefix and 24 random hex digits (unique enough, and cheap). */
    public static String next(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() ^ salt;
        int low = random.nextInt() ^ (int) (salt >>> 17);
        StringBuilder id = new StringBuilder(prefix.length() + 24).append(prefix);
        for (int shift = 60; shift >= 0; shift -= 4) {
            id.append(HEX[(int) (high >>> shift) & 0xf]);
        }
        for (int shift = 28; shift >= 0; shift -= 4) {
            id.append(HEX[(low >>> shift) & 0xf]);
        }
        return id.toString();
    }

    /**
     * A tool call id every hosting takes: nine letters or digits, the only form Mistral's cloud
     * accepts, and a valid OpenAI id too, so a conversation can move between targets of any format.
     */
    public static String toolCall() {
        long bits = ThreadLocalRandom.current().nextLong() ^ salt;
        char[] id = new char[TOOL_CALL_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHANUMERIC[(int) Long.remainderUnsigned(bits, ALPHANUMERIC.length)];
            bits = Long.divideUnsigned(bits, ALPHANUMERIC.length);
        }
        return new String(id);
    }

    /** A new salt: after a restore from a snapshot, so that no two restored instances give the same ids. */
    public static void reseed() {
        salt = new SecureRandom().nextLong();
    }

    static long salt() {
        return salt;
    }

    /** Whether Mistral's cloud takes this tool call id as it is ({@code ^[a-zA-Z0-9]{9}$}). */
    public static boolean isMistralToolCallId(String id) {
        if (id.length() != TOOL_CALL_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Any tool call id in Mistral's form, always the same for the same id: nine base-62 digits of
     * its SHA-256. The assistant's call and the tool message that answers it get the same mapped
     * id, in this request and in every later turn, with no state kept in the gateway.
     */
    public static String mistralToolCallId(String id) {
        if (isMistralToolCallId(id)) {
            return id;
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        // 9 base-62 digits hold 53.6 bits: take them from the digest's first 64 bits
        long value = ByteBuffer.wrap(digest).getLong() >>> 1;
        char[] mapped = new char[TOOL_CALL_ID_LENGTH];
        for (int i = 0; i < mapped.length; i++) {
            mapped[i] = ALPHANUMERIC[(int) (value % ALPHANUMERIC.length)];
            value /= ALPHANUMERIC.length;
        }
        return new String(mapped);
    }
}
