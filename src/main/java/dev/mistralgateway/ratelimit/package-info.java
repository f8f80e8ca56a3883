/**
 * Rate limits and budgets per route (Kong's AI Rate Limiting Advanced, in this project's variables):
 * requests, tokens or cost in a sliding window, per route, client key, IP or header value, counted in
 * the fleet's shared state ({@link dev.mistralgateway.fleet.SharedState}).
 */
package dev.mistralgateway.ratelimit;
