package dev.mistralgateway.proxy;

import java.util.HashSet;
import java.util.Set;

import dev.mistralgateway.error.GatewayException;

/**
 * The targets of one request that refused it themselves, before any call: their format or hygiene cannot
 * take what another target of the route can (Ollama cannot fetch an image by URL; Mistral's cloud takes
 * fewer tool choices than a self-hosted server). Such a target is passed over for this request, as one
 * serving another model is, and the request goes on to the others without using a retry; the first
 * refusal is the answer only when no target is left to take the request and none failed.
 */
final class TargetRefusals {

    private final Set<Integer> targets = new HashSet<>();
    private GatewayException first;
    private int firstTarget = -1;

    /**
     * Whether this exception, thrown while a request was made for one target, is that target's refusal
     * (a 4xx of the gateway's own), as opposed to a failure of the gateway, which ends the request.
     */
    static boolean isRefusal(RuntimeException thrown) {
        return thrown instanceof GatewayException refusal && refusal.status() >= 400 && refusal.status() < 500;
    }

    void add(int target, GatewayException refusal) {
        targets.add(target);
        if (first == null) {
            first = refusal;
            firstTarget = target;
        }
    }

    /** The targets that refused so far. */
    Set<Integer> targets() {
        return targets;
    }

    boolean any() {
        return first != null;
    }

    /** The first refusal, the answer when every target refused. */
    GatewayException first() {
        return first;
    }

    /** The target that refused first. */
    int firstTarget() {
        return firstTarget;
    }
}
