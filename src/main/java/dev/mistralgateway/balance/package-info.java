/**
 * Choosing a route's target: the algorithms of Kong's AI Proxy Advanced behind one
 * {@link dev.mistralgateway.balance.TargetPool} per route, with the per-target state they read
 * (weights, requests in flight, latency and token averages, circuit breakers, Retry-After windows).
 * State lives in one function instance: on Lambda each instance balances on its own.
 */
package dev.mistralgateway.balance;
