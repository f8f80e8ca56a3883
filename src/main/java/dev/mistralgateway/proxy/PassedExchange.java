package dev.mistralgateway.proxy;

import java.util.Set;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.observe.ReportedRequest;
import dev.mistralgateway.ratelimit.Admission;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import io.smallrye.mutiny.Uni;

/**
 * One preserve request across its attempts ({@link PassThrough}): {@code json} is its body when that
 * is a JSON object (for the reports), else null; {@code clientHeader} is the client's headers without
 * its gateway key.
 */
record PassedExchange(Route route, PreservedRequest arrival, long startNanos, ObjectNode json,
        UnaryOperator<String> clientHeader, Set<Integer> tried, String clientKey, Admission admission)
        implements
            ReportedRequest {

    PassedExchange admitted(Admission by) {
        return new PassedExchange(route, arrival, startNanos, json, clientHeader, tried, clientKey, by);
    }

    @Override
    public String requestId() {
        return arrival.requestId();
    }

    String contentType() {
        return arrival.header().apply("Content-Type");
    }

    /** What payload logging shows: a text body as it came, a binary one (an upload) by its size and type. */
    @Override
    public byte[] body() {
        return PassedAnswers.loggable(contentType(), arrival.body());
    }

    @Override
    public ObjectNode checked() {
        return json;
    }

    @Override
    public int attempts() {
        return tried.size();
    }

    Uni<Void> count(Usage usage, Target target) {
        return admission == null ? Uni.createFrom().voidItem()
                : admission.count(usage != null ? usage : Usage.of(0, 0), target);
    }

    int lastTried() {
        int last = -1;
        for (Integer index : tried) {
            last = index;
        }
        return last;
    }

    /** The model for the reports: the target's, else the one a JSON body names. */
    ClientRequest reported(Target target, boolean stream) {
        String model = target.modelName().orElse(json != null && json.path("model").isTextual()
                ? json.get("model").textValue()
                : null);
        return new ClientRequest(null, RouteType.PRESERVE, model, stream);
    }
}
