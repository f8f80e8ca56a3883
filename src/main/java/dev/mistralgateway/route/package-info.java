/**
 * The validated routes the request path reads: immutable {@link dev.mistralgateway.route.Route}s and
 * their targets, built once at start-up, and their lookup by path
 * ({@link dev.mistralgateway.route.RouteTable}), which runs {@link dev.mistralgateway.validation}.
 */
package dev.mistralgateway.route;
