/**
 * State the gateway's instances share: circuit breakers, Retry-After pauses, rate-limit windows and the
 * balancer's round-robin sequence, measures and in-flight leases ({@link dev.mistralgateway.fleet.SharedMeasures}),
 * behind one {@link dev.mistralgateway.fleet.FleetStore} with two implementations, per instance
 * ({@link dev.mistralgateway.fleet.LocalStore}) and Redis ({@link dev.mistralgateway.fleet.RedisStore}).
 * {@link dev.mistralgateway.fleet.SharedState} puts a deadline on every Redis call and falls back to
 * the instance's own copy when Redis is slow or gone.
 */
package dev.mistralgateway.fleet;
