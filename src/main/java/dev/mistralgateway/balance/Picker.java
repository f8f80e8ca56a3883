package dev.mistralgateway.balance;

import java.util.List;

/** One balancing algorithm: which of the available targets serves the next attempt. */
interface Picker {

    /**
     * @param candidates the targets that may be tried now, never empty, in configuration order
     * @param hashKey the value of the route's hash_on_header, or null
     */
    TargetState pick(List<TargetState> candidates, String hashKey);
}
