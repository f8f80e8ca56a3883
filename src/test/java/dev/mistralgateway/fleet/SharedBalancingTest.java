package dev.mistralgateway.fleet;

/** {@link SharedBalancingContract} with the fleet's store in memory: the arithmetic alone, on the test's clock. */
class SharedBalancingTest extends SharedBalancingContract {

    private final LocalStore fleet = new LocalStore();

    @Override
    protected FleetStore fleet() {
        return fleet;
    }
}
