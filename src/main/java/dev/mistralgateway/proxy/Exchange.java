package dev.mistralgateway.proxy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.observe.ReportedRequest;
import dev.mistralgateway.observe.RequestTrace;
import dev.mistralgateway.observe.SemanticRouting;
import dev.mistralgateway.ratelimit.Admission;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.semantic.SemanticRouter;
import dev.mistralgateway.template.Template;
import io.smallrye.mutiny.Uni;

/**
 * One client request, across its attempts: {@code checked} is its chat form, which the targets
 * take; {@code api} translates it from the client's {@code sent} body and the answers back;
 * {@code keep}, when not null, stores its answer for a follow-up (a Responses request with
 * {@code store}); {@code semantic}, on a semantic route, is the description the prompt matched;
 * {@code templates}, the request's values for the targets' {@code $(...)} templates; {@code trace}, its
 * spans.
 */
record Exchange(Route route, String requestId, byte[] body, long startNanos, ObjectNode checked,
        UnaryOperator<String> clientHeader, Map<String, String> clientQuery, TargetPool pool, Set<Integer> tried,
        Set<Integer> notServing, ClientApi api, JsonNode sent, String clientKey, Admission admission,
        TargetRefusals refused, StoredResponses.Keep keep, SemanticRouting semantic, Template.Values templates,
        RequestTrace trace) implements ReportedRequest {

    Exchange admitted(Admission by) {
        return new Exchange(route, requestId, body, startNanos, checked, clientHeader, clientQuery, pool, tried,
                notServing, api, sent, clientKey, by, refused, keep, semantic, templates, trace);
    }

    /** The semantic route's pick: the targets of the prompt's description, the others passed over. */
    Exchange picked(SemanticRouter.Pick pick) {
        return new Exchange(route, requestId, body, startNanos, checked, clientHeader, clientQuery, pool, tried,
                pick.notServing(), api, sent, clientKey, admission, refused, keep, pick.report(), templates, trace);
    }

    /** Counts the answer's tokens or cost in the route's rate limits, if it has any. */
    Uni<Void> count(Usage usage, Target target) {
        return admission == null ? Uni.createFrom().voidItem() : admission.count(usage, target);
    }

    /** Stores a whole answer when the request asked for it; done before the answer goes out. */
    Uni<Void> kept(byte[] answer) {
        return keep == null ? Uni.createFrom().voidItem() : keep.whole(answer);
    }

    /** The targets this request may not go to (any more): tried already, serving another model, or refusing it. */
    Set<Integer> passedOver() {
        if (notServing.isEmpty() && !refused.any()) {
            return tried;
        }
        Set<Integer> all = new HashSet<>(tried);
        all.addAll(notServing);
        all.addAll(refused.targets());
        return all;
    }

    @Override
    public int attempts() {
        return tried.size();
    }

    int lastTried() {
        int last = -1;
        for (Integer index : tried) {
            last = index;
        }
        return last;
    }
}
