package dev.mistralgateway.proxy;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.validation.PreserveTargets;

/**
 * Where a preserve target's request goes: the target's upstream with the client's sub-path below the
 * route's path appended ({@code /v1/files} + {@code /abc/content}), or the client's whole path when
 * the target names no operation, and the client's query on {@code GET} and {@code DELETE}. Pure.
 *
 * <p>
 * What the client adds to an upstream path may hold only safe segments (letters, digits and
 * {@code . _ ~ : @ + = -}, never {@code .} or {@code ..} alone): an id, {@code content}, {@code cancel}.
 * Anything else could reach another upstream operation than the route's, so it is the client's 400.
 */
final class PreservedUrl {

    private static final Pattern SUB_PATH = Pattern.compile("(/[A-Za-z0-9._~:@+=-]+)*/?");

    private PreservedUrl() {
    }

    /**
     * @param below the client's path below the route's path ({@link PreservedRequest#below()})
     * @param rawQuery the client's query as sent, or null: passed on without the parameter the target's
     *        key goes in ({@code authParam}), which the target's auth sets itself
     * @throws GatewayException 400 for a sub-path or query that cannot go upstream as it is
     */
    static URI of(URI target, String clientPath, String below, String rawQuery, Optional<String> authParam) {
        if (!SUB_PATH.matcher(below).matches() || below.contains("/./") || below.contains("/../")
                || below.endsWith("/.") || below.endsWith("/..")) {
            throw new GatewayException(400, "the path below this route's path may hold only ids and names "
                    + "(letters, digits, . _ ~ : @ + = -), one per segment, e.g. /v1/files/<file id>/content");
        }
        String path = PreserveTargets.takesClientPath(target) ? clientPath
                : target.getRawPath() + (below.isEmpty() || below.equals("/") ? "" : below);
        StringJoiner query = new StringJoiner("&");
        if (target.getRawQuery() != null && !target.getRawQuery().isEmpty()) {
            query.add(target.getRawQuery());
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                passOn(pair, authParam).ifPresent(query::add);
            }
        }
        String url = target.getScheme() + "://" + target.getRawAuthority() + path
                + (query.length() == 0 ? "" : "?" + query);
        return URI.create(url);
    }

    /** One parameter of the client's query, encoded again (a raw one may hold what a URI may not). */
    private static Optional<String> passOn(String pair, Optional<String> authParam) {
        if (pair.isEmpty()) {
            return Optional.empty();
        }
        int equals = pair.indexOf('=');
        try {
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            if (authParam.filter(name::equals).isPresent()) {
                return Optional.empty();
            }
            String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
            return Optional.of(equals < 0 ? encoded
                    : encoded + "=" + URLEncoder.encode(URLDecoder.decode(pair.substring(equals + 1),
                            StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException badEscape) {
            throw new GatewayException(400, "the query string has a malformed %-escape: encode it as a URL "
                    + "query (RFC 3986)");
        }
    }
}
