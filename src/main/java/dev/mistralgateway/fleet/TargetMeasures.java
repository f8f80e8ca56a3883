package dev.mistralgateway.fleet;

/**
 * What the balancer measured of one target, for {@code lowest-latency}, {@code lowest-usage} and
 * {@code least-connections}: the fleet's figures, or this instance's when there is no fleet.
 *
 * @param latency the moving average of the latency measure (ms, or ms per output token); 0 until measured
 * @param measured whether any answer was measured yet
 * @param usage tokens (or cost) served so far
 * @param inFlight requests in flight: leases not released and not expired
 */
public record TargetMeasures(double latency, boolean measured, double usage, int inFlight) {

    public static final TargetMeasures NONE = new TargetMeasures(0, false, 0, 0);

    TargetMeasures withInFlight(int count) {
        return new TargetMeasures(latency, measured, usage, count);
    }
}
