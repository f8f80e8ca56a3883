package dev.mistralgateway.route;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured credential: plain text, or text around a reference to AWS Secrets Manager
 * ({@code {{aws-secret:NAME}}}, {@code {{aws-secret:NAME:JSON_KEY}}}) or SSM Parameter Store
 * ({@code {{aws-ssm:/PARAM/NAME}}}) that {@link dev.mistralgateway.security.AwsSecrets} resolves at
 * start-up and again once the value is older than its time to live, so the key never sits in the
 * function's configuration and a rotated key is picked up without a redeploy.
 */
public final class SecretText {

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{aws-(secret|ssm):([^}]+)}}");

    /** Where a reference points. */
    public record Reference(Kind kind, String name, String jsonKey) {
        public enum Kind {
            SECRET,
            PARAMETER
        }
    }

    private final String before;
    private final String after;
    private final Reference reference;
    private volatile String resolved;
    private volatile long resolvedAtNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    private SecretText(String before, Reference reference, String after) {
        this.before = before;
        this.reference = reference;
        this.after = after;
    }

    /** How many references {@code text} holds; {@link #of} reads one, so a value may hold at most one. */
    public static long referenceCount(String text) {
        return REFERENCE.matcher(text).results().count();
    }

    public static SecretText of(String text) {
        Matcher matcher = REFERENCE.matcher(text);
        if (!matcher.find()) {
            SecretText plain = new SecretText(text, null, "");
            plain.resolved = "";
            return plain;
        }
        String target = matcher.group(2).trim();
        Reference reference;
        if (matcher.group(1).equals("ssm")) {
            reference = new Reference(Reference.Kind.PARAMETER, target, null);
        } else {
            // a secret's ARN holds colons too: the JSON key is what follows the last colon after the name
            int key = target.startsWith("arn:") ? nthColon(target, 7) : target.indexOf(':');
            reference = key < 0 ? new Reference(Reference.Kind.SECRET, target, null)
                    : new Reference(Reference.Kind.SECRET, target.substring(0, key), target.substring(key + 1));
        }
        return new SecretText(text.substring(0, matcher.start()), reference, text.substring(matcher.end()));
    }

    private static int nthColon(String text, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = text.indexOf(':', at + 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }

    /** The reference to resolve, or null for plain text. */
    public Reference reference() {
        return reference;
    }

    /** The credential as it goes upstream. */
    public String value() {
        return before + resolved + after;
    }

    public void resolvedAs(String value, long nanoTime) {
        this.resolved = value;
        this.resolvedAtNanos = nanoTime;
    }

    /** Claims the refresh of this value; false when another one is already under way. */
    public boolean startRefresh() {
        return refreshing.compareAndSet(false, true);
    }

    public void endRefresh() {
        refreshing.set(false);
    }

    /** Equal when written the same, whatever has been resolved so far. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SecretText text && text.before.equals(before) && text.after.equals(after)
                && Objects.equals(text.reference, reference);
    }

    @Override
    public int hashCode() {
        return Objects.hash(before, reference, after);
    }

    /** Whether a resolved reference is older than {@code ttl}. */
    public boolean staleAt(long nanoTime, Duration ttl) {
        return reference != null && nanoTime - resolvedAtNanos > ttl.toNanos();
    }

    /** The text with its reference, never the value: safe for logs and messages. */
    @Override
    public String toString() {
        return reference == null ? "<plain text, redacted>"
                : before + "{{aws-" + (reference.kind() == Reference.Kind.SECRET ? "secret" : "ssm") + ":" + reference.name()
                        + "}}" + after;
    }
}
