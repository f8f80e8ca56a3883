package dev.mistralgateway.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kong-style regex paths of routes, such as {@code ~/models/(?<model>[a-z0-9-]+)/chat$}: a path that
 * starts with {@code ~} is a regular expression matched from the start of the request's path (end
 * it with {@code $} to match the whole path), and its named groups are the request's
 * {@code uri_captures}, which templates read ({@code $(uri_captures.model)}). Exact paths are looked
 * up first; regex paths are tried in the order of the routes.
 */
public final class RegexPaths {

    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([A-Za-z][A-Za-z0-9]*)>");

    private record Entry(Pattern pattern, Route route, List<String> names) {
    }

    private final List<Entry> entries;

    RegexPaths(List<Route> routes) {
        List<Entry> found = new ArrayList<>();
        for (Route route : routes) {
            for (String path : route.paths()) {
                if (isRegex(path)) {
                    found.add(new Entry(Pattern.compile(path.substring(1)), route, groupNames(path)));
                }
            }
        }
        this.entries = List.copyOf(found);
    }

    public static boolean isRegex(String path) {
        return path.startsWith("~");
    }

    /** What is wrong with a regex path, for the start-up's problem list; empty when it is a good one. */
    public static Optional<String> problem(String path) {
        if (!path.startsWith("~/")) {
            return Optional.of("'" + path + "' must start with ~/ (a regex path) or / (an exact path)");
        }
        try {
            Pattern.compile(path.substring(1));
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("'" + path + "' is not a regular expression: " + e.getDescription());
        }
    }

    Optional<Route> match(String path) {
        for (Entry entry : entries) {
            if (entry.pattern().matcher(path).lookingAt()) {
                return Optional.of(entry.route());
            }
        }
        return Optional.empty();
    }

    /** Whether the path is one of the route's regex paths. */
    boolean matches(Route route, String path) {
        return entries.stream().anyMatch(entry -> entry.route() == route && entry.pattern().matcher(path).lookingAt());
    }

    /** Where the route's first regex path that matches the path ends its match; -1 when none matches. */
    int end(Route route, String path) {
        for (Entry entry : entries) {
            if (entry.route() == route) {
                Matcher matcher = entry.pattern().matcher(path);
                if (matcher.lookingAt()) {
                    return matcher.end();
                }
            }
        }
        return -1;
    }

    /** The named groups of the route's first regex path that matches, by name; empty for an exact path. */
    Map<String, String> captures(Route route, String path) {
        for (Entry entry : entries) {
            if (entry.route() != route) {
                continue;
            }
            Matcher matcher = entry.pattern().matcher(path);
            if (matcher.lookingAt()) {
                Map<String, String> captures = new LinkedHashMap<>();
                for (String name : entry.names()) {
                    String value = matcher.group(name);
                    if (value != null) {
                        captures.put(name, value);
                    }
                }
                return captures;
            }
        }
        return Map.of();
    }

    private static List<String> groupNames(String path) {
        List<String> names = new ArrayList<>();
        Matcher matcher = GROUP_NAME.matcher(path);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
