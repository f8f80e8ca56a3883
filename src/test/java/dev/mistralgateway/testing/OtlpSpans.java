package dev.mistralgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;

/** Reading the spans an {@link OtlpReceiver} decoded: their attributes, kinds and ids, as tests check them. */
public final class OtlpSpans {

    private OtlpSpans() {
    }

    /** The one span of this kind; fails when there is none or more than one. */
    public static Span only(List<Span> spans, Span.SpanKind kind) {
        List<Span> of = spans.stream().filter(span -> span.getKind() == kind).toList();
        assertEquals(1, of.size(), kind + " spans among " + spans.stream().map(Span::getName).toList());
        return of.get(0);
    }

    /** The CLIENT spans, one per attempt, in the order of their {@code ai_proxy.attempt}. */
    public static List<Span> attempts(List<Span> spans) {
        return spans.stream().filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(Comparator.comparingLong(span -> attribute(span, "ai_proxy.attempt").getIntValue()))
                .toList();
    }

    public static boolean has(Span span, String key) {
        return span.getAttributesList().stream().anyMatch(attribute -> attribute.getKey().equals(key));
    }

    public static AnyValue attribute(Span span, String key) {
        return attribute(span.getAttributesList(), key);
    }

    public static AnyValue attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(attribute -> attribute.getKey().equals(key)).findFirst()
                .map(KeyValue::getValue).orElseThrow(() -> new AssertionError("no attribute " + key + " in " + attributes));
    }

    public static String text(Span span, String key) {
        return attribute(span, key).getStringValue();
    }

    public static String text(List<KeyValue> attributes, String key) {
        return attribute(attributes, key).getStringValue();
    }

    /** A string array's values ({@code gen_ai.response.finish_reasons}). */
    public static List<String> texts(Span span, String key) {
        return attribute(span, key).getArrayValue().getValuesList().stream().map(AnyValue::getStringValue).toList();
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Nothing the receiver got, headers included, holds one of these secrets or an auth header's name. */
    public static void assertNoSecrets(String received, String... secrets) {
        for (String secret : secrets) {
            assertFalse(received.contains(secret), "a secret was exported: " + secret.substring(0, 4) + "...");
        }
        assertFalse(received.toLowerCase(Locale.ROOT).contains("authorization"), "an auth header was exported");
        assertFalse(received.toLowerCase(Locale.ROOT).contains("x-api-key"), "an auth header was exported");
    }
}
