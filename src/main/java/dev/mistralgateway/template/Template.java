package dev.mistralgateway.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mistralgateway.error.GatewayException;

/**
 * A configured value with Kong's request templates in it ({@code $(headers.x-model)},
 * {@code $(uri_captures.model)}, {@code $(query_params.model)}, Kong 3.7+), resolved per request.
 *
 * <p>
 * What a template resolves to goes into a model name or a URL path, so it may hold only
 * letters, digits and {@code . _ ~ : @ + -}, and no {@code ..}: a {@code /}, a {@code %2F}, a space
 * or a control character from a client would otherwise let it reach another upstream path (Kong
 * 3.14.0.7 fixed path traversal through such values). One that is missing, empty or holds anything
 * else is the client's 400, naming the template.
 */
public final class Template {

    /** A template in a value: its source and its name. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\((\\w+)\\.([^()\\s]+)\\)");
    /** Anything that looks like a template, to find ones spelled wrong. */
    private static final Pattern ANY = Pattern.compile("\\$\\(");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~:@+-]+");

    /** Where a template's value comes from, by Kong's names. */
    public enum Source {
        HEADERS,
        URI_CAPTURES,
        QUERY_PARAMS;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The request's values a template may read. */
    public interface Values {
        /** The value of the named header, query parameter or capture; null when the request has none. */
        String get(Source source, String name);
    }

    private record Part(String text, Source source, String name) {
        String template() {
            return "$(" + source.id() + "." + name + ")";
        }
    }

    private final String raw;
    private final List<Part> parts;

    private Template(String raw, List<Part> parts) {
        this.raw = raw;
        this.parts = parts;
    }

    /** Whether the value holds any template at all (the common case holds none, and is used as it is). */
    public static boolean in(String value) {
        return value != null && value.contains("$(");
    }

    /**
     * @throws IllegalArgumentException naming a template whose source Kong does not have, or one not
     *         closed, for the start-up's problem list
     */
    public static Template parse(String value) {
        List<Part> parts = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(value);
        int at = 0;
        while (matcher.find()) {
            Source source = source(matcher.group(1))
                    .orElseThrow(() -> new IllegalArgumentException("'" + matcher.group() + "' reads from '"
                            + matcher.group(1) + "'; templates read headers, uri_captures or query_params, "
                            + "e.g. $(headers.x-model)"));
            parts.add(new Part(value.substring(at, matcher.start()), null, null));
            parts.add(new Part(null, source, matcher.group(2)));
            at = matcher.end();
        }
        String rest = value.substring(at);
        if (ANY.matcher(rest).find()) {
            throw new IllegalArgumentException("'" + rest.substring(rest.indexOf("$(")) + "' is not a template: write "
                    + "$(headers.<name>), $(uri_captures.<name>) or $(query_params.<name>)");
        }
        parts.add(new Part(rest, null, null));
        return new Template(value, List.copyOf(parts));
    }

    private static Optional<Source> source(String id) {
        for (Source source : Source.values()) {
            if (source.id().equals(id)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }

    /** The names this template reads from one source (the route's regex path must capture them). */
    public List<String> names(Source source) {
        return parts.stream().filter(part -> part.source() == source).map(Part::name).toList();
    }

    /**
     * The value for this request.
     *
     * @throws GatewayException 400 naming the template that resolves to nothing or to what a model
     *         name or URL path may not hold
     */
    public String resolve(Values values) {
        return resolve(values, true);
    }

    /**
     * The value for this request, for an option that parses it (a number) and so needs not the
     * characters a model name or URL path may hold.
     *
     * @throws GatewayException 400 naming the template that resolves to nothing
     */
    public String resolveText(Values values) {
        return resolve(values, false);
    }

    private String resolve(Values values, boolean pathSafe) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part.source() == null) {
                out.append(part.text());
                continue;
            }
            String value = values.get(part.source(), part.name());
            if (value == null || value.isEmpty()) {
                throw GatewayException.badRequest("template " + part.template() + " resolves to nothing: "
                        + "this request has no " + what(part));
            }
            if (pathSafe && (!SAFE.matcher(value).matches() || value.contains(".."))) {
                throw GatewayException.badRequest("template " + part.template() + " resolves to a value a model "
                        + "name or URL path may not hold: use letters, digits and . _ ~ : @ + - only (no / or ..)");
            }
            out.append(value);
        }
        return out.toString();
    }

    private static String what(Part part) {
        return switch (part.source()) {
            case HEADERS -> "header " + part.name();
            case QUERY_PARAMS -> "query parameter " + part.name();
            case URI_CAPTURES -> "capture '" + part.name() + "' in its path";
        };
    }

    @Override
    public String toString() {
        return raw;
    }
}
