package dev.mistralgateway.upstream;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.route.Auth;

/**
 * Puts a target's credentials on the upstream call, Kong's way: with {@code allow_override} off the
 * configured value replaces whatever the client sent; with it on, a value the client sent under
 * the same name wins. Client credentials under any other name are never forwarded.
 */
public final class UpstreamAuth {

    private UpstreamAuth() {
    }

    /**
     * @param clientHeader the client's header by (case-insensitive) name, or null
     * @param clientQuery the client's query parameters
     * @param headers the upstream headers being built; the auth header is added to it
     * @param body the upstream body; a {@code body} auth parameter is set in it
     * @return the upstream URL, with a {@code query} auth parameter when there is one
     */
    public static URI apply(Auth auth, UnaryOperator<String> clientHeader, Map<String, String> clientQuery,
            URI url, Map<String, String> headers, ObjectNode body) {
        auth.header().ifPresent(header -> {
            String sent = auth.allowOverride() ? clientHeader.apply(header.name()) : null;
            headers.put(header.name(), sent != null ? sent : header.value());
        });
        if (auth.param().isEmpty()) {
            return url;
        }
        Auth.Param param = auth.param().get();
        if (param.location() == Auth.ParamLocation.BODY) {
            if (!(auth.allowOverride() && body.hasNonNull(param.name()))) {
                body.put(param.name(), param.value());
            }
            return url;
        }
        String sent = auth.allowOverride() ? clientQuery.get(param.name()) : null;
        return withQueryParam(url, param.name(), sent != null ? sent : param.value());
    }

    private static URI withQueryParam(URI url, String name, String value) {
        String pair = encode(name) + "=" + encode(value);
        String query = url.getRawQuery() == null || url.getRawQuery().isEmpty() ? pair : url.getRawQuery() + "&" + pair;
        String base = url.toString();
        int cut = base.indexOf('?');
        int fragment = base.indexOf('#');
        String head = cut >= 0 ? base.substring(0, cut) : fragment >= 0 ? base.substring(0, fragment) : base;
        return URI.create(head + "?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
