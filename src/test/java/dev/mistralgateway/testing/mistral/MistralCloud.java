package dev.mistralgateway.testing.mistral;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.mistralgateway.standin.MistralContract;
import dev.mistralgateway.standin.Violation;
import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;

/**
 * Makes a {@link FakeUpstream} play Mistral's cloud API at the door: every request to a Mistral
 * endpoint it knows ({@link MistralContract#covers}) has its body checked against
 * {@link MistralContract}, and one Mistral would refuse is refused the way Mistral does, instead of
 * getting the scripted answer:
 * <ul>
 * <li>a schema problem: 422 with one {@code detail} entry per problem, as Mistral's request
 * validation answers;</li>
 * <li>a body that fits the schema but breaks a server rule (tool call ids, the last message's
 * role): 400 with the first such problem as {@code message}, as Mistral's servers answer.</li>
 * </ul>
 * Requests to other paths pass through untouched. Every problem seen is kept, so a test can check
 * that the gateway never sent a bad body, even when it moved on to another target after the refusal.
 *
 * <pre>
 * upstream.reset();
 * mistral = MistralCloud.guard(upstream); // after reset(), which removes the gate
 * ...
 * mistral.assertAllValid();
 * </pre>
 */
public final class MistralCloud {

    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger checked = new AtomicInteger();

    /** Validates every request the upstream receives from now on, until its {@code reset()}. */
    public static MistralCloud guard(FakeUpstream upstream) {
        MistralCloud cloud = new MistralCloud();
        upstream.gate(request -> cloud.check(request).orElse(null));
        return cloud;
    }

    /** The answer, given only to requests Mistral would take; for one path, without a gate. */
    public Function<Received, Reply> validating(Function<Received, Reply> answer) {
        return request -> check(request).orElseGet(() -> answer.apply(request));
    }

    public Function<Received, Reply> validating(Reply answer) {
        return validating(request -> answer);
    }

    /**
     * Mistral's refusal of this request, if it would refuse it (recorded); empty when it would take it or the path is not
     * covered.
     */
    public Optional<Reply> check(Received request) {
        if (!MistralContract.covers(request.path())) {
            return Optional.empty();
        }
        checked.incrementAndGet();
        List<Violation> found = MistralSpec.contract().check(request.path(), request.body());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        found.forEach(v -> violations.add(request.method() + " " + request.path() + " " + v));
        return Optional.of(refusal(found));
    }

    /** Mistral's answer to a body with these problems ({@link MistralContract#refusal}). */
    public static Reply refusal(List<Violation> found) {
        MistralContract.Refusal refusal = MistralContract.refusal(found);
        return Reply.json(refusal.status(), refusal.body());
    }

    /** Every problem seen so far, each as {@code METHOD /path $.json.path: message}. */
    public List<String> allViolations() {
        return List.copyOf(violations);
    }

    /** How many bodies were checked (requests to covered paths). */
    public int checked() {
        return checked.get();
    }

    /** Fails, listing them, when any body received so far was one Mistral would refuse. */
    public void assertAllValid() {
        if (!violations.isEmpty()) {
            throw new AssertionError("Mistral would refuse " + violations.size() + " thing(s) in the "
                    + checked.get() + " body(ies) checked:\n  " + String.join("\n  ", violations));
        }
    }

    public void clear() {
        violations.clear();
        checked.set(0);
    }
}
