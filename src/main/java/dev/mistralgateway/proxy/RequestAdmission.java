package dev.mistralgateway.proxy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.balance.ModelRouting;
import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.clientapi.ClientApi;
import dev.mistralgateway.clientapi.ClientApis;
import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.observe.RequestTrace;
import dev.mistralgateway.ratelimit.RateLimiter;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.security.ClientAuthenticator;
import dev.mistralgateway.semantic.SemanticRouter;
import io.smallrye.mutiny.Uni;

/**
 * The first step of a request's journey, before any target is tried: the client's key, Kong's
 * checks of the body, a stored conversation it continues, the targets its model may go to, and its
 * rate limits. What passes becomes the {@link Exchange} the attempts work on; what does not is
 * reported once and refused (a 429 of the rate limits is an answer, in the client API's shape).
 */
final class RequestAdmission {

    /** A request as it came, before its body is read. */
    record Arrival(Route route, byte[] body, UnaryOperator<String> clientHeader, Map<String, String> clientQuery,
            String requestId, long start, ClientApi api, Map<String, String> captures, RequestTrace trace) {
    }

    private final KongRequestRules rules;
    private final ClientApis clientApis;
    private final StoredResponses stored;
    private final SemanticRouter semantic;
    private final RateLimiter limiter;
    private final RequestReporter reporter;
    private final IntFunction<TargetPool> pools;
    private final ObjectMapper mapper;

    RequestAdmission(KongRequestRules rules, ClientApis clientApis, StoredResponses stored, SemanticRouter semantic,
            RateLimiter limiter, RequestReporter reporter, IntFunction<TargetPool> pools, ObjectMapper mapper) {
        this.rules = rules;
        this.clientApis = clientApis;
        this.stored = stored;
        this.semantic = semantic;
        this.limiter = limiter;
        this.reporter = reporter;
        this.pools = pools;
        this.mapper = mapper;
    }

    /**
     * Admits the request and hands it to {@code attempts}.
     *
     * @throws GatewayException at once when the request itself is refused (401, Kong's 400s, 413)
     */
    Uni<Answer> admit(Arrival arrival, Function<Exchange, Uni<Answer>> attempts) {
        Route route = arrival.route();
        JsonNode sent;
        try {
            ClientAuthenticator.check(route, arrival.clientHeader());
            sent = rules.read(route, arrival.body());
        } catch (GatewayException refused) {
            throw refused(arrival, refused);
        }
        if (!stored.continues(route, sent)) {
            return admitted(arrival, sent, attempts);
        }
        // a follow-up of a stored response: its conversation is read first, then it goes on as any request
        return stored.withHistory(route, sent, arrival.clientHeader())
                .onFailure(GatewayException.class).transform(failure -> refused(arrival, (GatewayException) failure))
                .onItem().transformToUni(withHistory -> admitted(arrival, withHistory, attempts));
    }

    /** Reports a request refused before any attempt; gives the refusal to throw. */
    private GatewayException refused(Arrival arrival, GatewayException refused) {
        reporter.failed(new Exchange(arrival.route(), arrival.requestId(), arrival.body(), arrival.start(), null,
                arrival.clientHeader(), arrival.clientQuery(), pools.apply(arrival.route().index()),
                new LinkedHashSet<>(), Set.of(), arrival.api(), null, null, null, new TargetRefusals(), null, null,
                null, arrival.trace()), null, refused.status());
        return refused;
    }

    private Uni<Answer> admitted(Arrival arrival, JsonNode sent, Function<Exchange, Uni<Answer>> attempts) {
        Route route = arrival.route();
        UnaryOperator<String> clientHeader = arrival.clientHeader();
        ObjectNode checked;
        Set<Integer> notServing;
        try {
            checked = rules.checkPrompts(route, arrival.api().toChat(sent));
            notServing = semantic.routes(route) ? semantic.notServing(route, checked)
                    : ModelRouting.notServing(route, checked);
        } catch (GatewayException refused) {
            throw refused(arrival, refused);
        }
        // the client's own key authenticated it to the gateway: it never goes further
        List<String> keyHeaders = ClientAuthenticator.keyHeaders(route);
        UnaryOperator<String> forwardable = keyHeaders.isEmpty() ? clientHeader
                : name -> keyHeaders.stream().anyMatch(name::equalsIgnoreCase) ? null : clientHeader.apply(name);
        // which key, by its name, for the statistics and the rate limits
        int key = route.clientAuth().isPresent() ? ClientAuthenticator.keyIndex(route, clientHeader) : -1;
        Exchange exchange = new Exchange(route, arrival.requestId(), arrival.body(), arrival.start(), checked,
                forwardable, arrival.clientQuery(), pools.apply(route.index()), new LinkedHashSet<>(), notServing,
                arrival.api(), sent, limiter.keyName(route, key), null, new TargetRefusals(),
                stored.keep(route, sent, clientHeader), null,
                TargetTemplates.values(forwardable, arrival.clientQuery(), arrival.captures()), arrival.trace());
        if (!limiter.limits(route)) {
            return attempts.apply(exchange);
        }
        return limiter.admit(route, key, clientHeader)
                .onItem().transformToUni(admission -> limited(exchange.admitted(admission), attempts));
    }

    /** A request its rate limits let through goes on with their headers; a refused one gets OpenAI's 429. */
    private Uni<Answer> limited(Exchange exchange, Function<Exchange, Uni<Answer>> attempts) {
        if (exchange.admission().refused()) {
            reporter.failed(exchange, null, 429);
            // OpenAI's 429 body, in the shape of the client's API (Anthropic's rate_limit_error)
            byte[] openAi;
            try {
                openAi = mapper.writeValueAsBytes(exchange.admission().refusal());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an error body always serialises", e);
            }
            return Uni.createFrom().item(RateLimitAnswers.refusal(exchange.admission(),
                    exchange.api().fromChatError(429, openAi).orElse(openAi)));
        }
        return RateLimitAnswers.withHeaders(attempts.apply(exchange), exchange.admission());
    }

    /** A sub-path the route's client API answers itself ({@code count_tokens}), checked as every request is. */
    Uni<Answer> answerHere(Route route, String subPath, byte[] body, UnaryOperator<String> clientHeader) {
        ClientAuthenticator.check(route, clientHeader);
        ClientApi api = clientApis.of(route);
        ObjectNode chat = rules.checkPrompts(route, api.toChat(rules.read(route, body)));
        byte[] answer = api.answerHere(subPath, chat)
                .orElseThrow(() -> new GatewayException(404, "this route does not answer " + subPath));
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", List.of(AnswerHeaders.JSON));
        return Uni.createFrom().item(Answer.whole(200, headers, answer));
    }
}
