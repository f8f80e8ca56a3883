package dev.mistralgateway.proxy;

import java.util.Map;
import java.util.function.UnaryOperator;

import io.vertx.core.http.HttpMethod;

/**
 * A request on a {@code preserve} route as it arrived: its method ({@code POST}, {@code GET} or
 * {@code DELETE}), the path the client called and the part of it below the route's path, its
 * query (decoded by name for templates and auth overrides, and raw, to pass on), its path's
 * captures and its body (empty for {@code GET} and {@code DELETE}).
 */
public record PreservedRequest(HttpMethod method, String path, String below, byte[] body,
        UnaryOperator<String> header, Map<String, String> query, String rawQuery, Map<String, String> captures,
        String requestId) {
}
