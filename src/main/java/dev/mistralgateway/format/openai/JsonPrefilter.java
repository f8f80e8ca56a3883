package dev.mistralgateway.format.openai;

/**
 * Cheap looks at an event's JSON text that answer only "maybe" or "certainly not", so that the
 * events that cannot hold what is looked for skip a parse, and the others are parsed and decided
 * on as JSON. Sound for any valid JSON: between a key and its colon, and between the colon and the
 * value, only JSON's whitespace may stand; and the letters of a key can be escaped only as
 * {@code \\u0041} to {@code \\u007A} (JSON's short escapes make no letters), so a text without such
 * an escape spells every key out as it is; a text with one is always a "maybe". Escapes of other
 * characters (accents, other scripts, which some servers always escape) do not count.
 */
final class JsonPrefilter {

    private JsonPrefilter() {
    }

    /** Whether the JSON text may hold this string, as a key or a value (e.g. {@code "error"}). */
    static boolean mayHold(String json, String word) {
        return mayEscapeLetters(json) || json.contains("\"" + word + "\"");
    }

    /** Whether the JSON text may have an array as the value of this key somewhere (e.g. {@code "content": [}). */
    static boolean mayHoldArrayAt(String json, String key) {
        return mayHoldValueAt(json, key, '[');
    }

    /**
     * Whether the JSON text may have anything but {@code null} as the value of this key somewhere (e.g. a
     * chunk's {@code "finish_reason": "stop"}, which every other chunk gives as {@code null}).
     */
    static boolean mayHoldNonNullAt(String json, String key) {
        return mayHoldValueAt(json, key, (char) 0);
    }

    /** Whether a value of this key may begin with {@code start}; with 0, whether one may be anything but null. */
    private static boolean mayHoldValueAt(String json, String key, char start) {
        if (mayEscapeLetters(json)) {
            return true;
        }
        String quoted = "\"" + key + "\"";
        for (int at = json.indexOf(quoted); at >= 0; at = json.indexOf(quoted, at + 1)) {
            int next = skipSpace(json, at + quoted.length());
            if (next < json.length() && json.charAt(next) == ':') {
                next = skipSpace(json, next + 1);
                if (next < json.length() && (start == 0 ? json.charAt(next) != 'n' : json.charAt(next) == start)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the text holds a {@code \\u00XX} escape in the range of ASCII letters and {@code _}. */
    private static boolean mayEscapeLetters(String json) {
        for (int at = json.indexOf("\\u00"); at >= 0; at = json.indexOf("\\u00", at + 1)) {
            char high = at + 4 < json.length() ? json.charAt(at + 4) : ' ';
            if (high >= '4' && high <= '7') {
                return true;
            }
        }
        return false;
    }

    private static int skipSpace(String json, int from) {
        int at = from;
        while (at < json.length() && isJsonSpace(json.charAt(at))) {
            at++;
        }
        return at;
    }

    private static boolean isJsonSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
