/**
 * Choosing a route's target: the algorithms of Kong's AI Proxy Advanced behind one
 * {@link dev.mistralgateway.balance.TargetPool} per route. What the algorithms read (round-robin's
 * sequence, requests in flight, latency and token averages; {@link dev.mistralgateway.balance.PickReadings})
 * and the circuit breakers and Retry-After pauses are the fleet's when it shares a store
 * ({@link dev.mistralgateway.fleet.SharedState}); the tie-breakers' running sums stay in one instance.
 */
package dev.mistralgateway.balance;
