package dev.mistralgateway.testing.mistral;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstream.Received;
import dev.mistralgateway.testing.FakeUpstream.Reply;
import dev.mistralgateway.testing.mistral.MistralContract.Kind;
import dev.mistralgateway.testing.mistral.MistralContract.Violation;

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

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Mistral's refusal of this request, if it would refuse it (recorded); empty when it would take it or the path is not covered. */
    public Optional<Reply> check(Received request) {
        if (!MistralContract.covers(request.path())) {
            return Optional.empty();
        }
        checked.incrementAndGet();
        List<Violation> found = MistralContract.check(request.path(), request.body());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        found.forEach(v -> violations.add(request.method() + " " + request.path() + " " + v));
        return Optional.of(refusal(found));
    }

    /**
     * Mistral's answer to a body with these problems: 422 listing the schema problems when there are
     * any (Mistral checks the schema first), else 400 naming the first server-rule problem.
     */
    public static Reply refusal(List<Violation> found) {
        List<Violation> schema = found.stream().filter(v -> v.kind() == Kind.SCHEMA).toList();
        if (!schema.isEmpty()) {
            return Reply.json(422, unprocessable(schema));
        }
        Violation first = found.get(0);
        ObjectNode error = error(JsonNodeFactory.instance.textNode(first.message()), first.type());
        return Reply.json(400, error.toString());
    }

    /** Mistral's 422 body: {@code {"object":"error","message":{"detail":[{type, loc, msg, input}...]},...}}. */
    public static String unprocessable(List<Violation> found) {
        ArrayNode detail = JSON.createArrayNode();
        for (Violation v : found) {
            ObjectNode entry = detail.addObject();
            entry.put("type", v.type());
            ArrayNode loc = entry.putArray("loc").add("body");
            v.loc().forEach(element -> {
                if (element instanceof Integer i) {
                    loc.add(i);
                } else {
                    loc.add(element.toString());
                }
            });
            entry.put("msg", v.message());
            entry.set("input", v.input() == null ? JSON.nullNode() : v.input());
        }
        ObjectNode message = JSON.createObjectNode();
        message.set("detail", detail);
        return error(message, "invalid_request_message_error").toString();
    }

    private static ObjectNode error(JsonNode message, String type) {
        ObjectNode error = JSON.createObjectNode();
        error.put("object", "error");
        error.set("message", message);
        error.put("type", type);
        error.putNull("param");
        error.putNull("code");
        return error;
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
