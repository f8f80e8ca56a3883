/**
 * Choosing a route's target: the algorithms of Kong's AI Proxy Advanced behind one
 * {@link dev.mistralgateway.balance.TargetPool} per route. The measures the algorithms read (weights'
 * running sums, requests in flight, latency and token averages) live in one function instance; the
 * circuit breakers and Retry-After pauses are the fleet's ({@link dev.mistralgateway.fleet.SharedState}).
 */
package dev.mistralgateway.balance;
