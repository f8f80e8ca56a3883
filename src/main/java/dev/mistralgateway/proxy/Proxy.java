package dev.mistralgateway.proxy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.balance.Attempt;
import dev.mistralgateway.balance.TargetPool;
import dev.mistralgateway.clientapi.ClientApis;
import dev.mistralgateway.clientapi.responses.StoredResponses;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.fleet.SharedState;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.observe.RequestReporter;
import dev.mistralgateway.observe.RequestTrace;
import dev.mistralgateway.ratelimit.RateLimiter;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.security.AwsSecrets;
import dev.mistralgateway.semantic.SemanticRouter;
import dev.mistralgateway.upstream.UpstreamAuth;
import dev.mistralgateway.upstream.UpstreamClient;
import dev.mistralgateway.upstream.UpstreamRequest;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * One request's journey through a route: Kong's checks, then attempts on the route's targets as
 * the balancer picks them (each one translated for its target's format, authenticated, sent), until
 * one answers or the failover rules say stop; then the answer, whole or streamed, translated back.
 */
@Startup
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class Proxy {

    private static final Logger LOG = Logger.getLogger(Proxy.class);

    private final KongRequestRules rules;
    private final Formats formats;
    private final UpstreamClient upstream;
    private final ObjectMapper mapper;
    /** How long a stream may send nothing before its client API's keep-alive event goes out. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

    private final Map<Integer, TargetPool> pools = new HashMap<>();
    private final RequestReporter reporter;
    private final AwsSecrets secrets;
    private final ClientApis clientApis;
    private final SemanticRouter semantic;
    private final RequestAdmission admission;
    private final PassThrough passThrough;
    private final StreamedAnswer streamed;
    private final WholeAnswer whole;

    public Proxy(ObjectMapper mapper, UpstreamClient upstream, RouteTable routes, RequestReporter reporter,
            AwsSecrets secrets, ClientApis clientApis, SharedState shared, RateLimiter limiter,
            StoredResponses stored, SemanticRouter semantic) {
        this.mapper = mapper;
        this.semantic = semantic;
        this.clientApis = clientApis;
        this.secrets = secrets;
        this.reporter = reporter;
        this.rules = new KongRequestRules(mapper);
        this.formats = new Formats(mapper, Clock.systemUTC());
        this.upstream = upstream;
        for (Route route : routes.routes()) {
            pools.put(route.index(), new TargetPool(route, System::nanoTime, shared));
        }
        this.streamed = new StreamedAnswer(mapper, reporter);
        this.whole = new WholeAnswer(reporter);
        this.passThrough = new PassThrough(mapper, upstream, reporter, secrets, limiter, pools::get);
        this.admission = new RequestAdmission(rules, clientApis, stored, semantic, limiter, reporter, pools::get, mapper);
    }

    /** A request on a {@code preserve} route: its body goes to a target as it came ({@link PassThrough}). */
    public Uni<Answer> passThrough(Route route, PreservedRequest request) {
        return passThrough.handle(route, request);
    }

    /**
     * @throws GatewayException at once when the request itself is refused (Kong's 400s, 413); the
     *         returned answer fails with one when no target could answer (502, 503, 504)
     */
    public Uni<Answer> handle(Route route, byte[] body, UnaryOperator<String> clientHeader,
            Map<String, String> clientQuery, String requestId) {
        return handle(route, body, clientHeader, clientQuery, requestId, Map.of(), RequestTrace.NONE);
    }

    /**
     * A request with its path's named groups ({@code uri_captures}, for the targets' templates; empty on
     * an exact path) and its trace ({@link RequestTrace#NONE} while tracing is off): admitted
     * ({@link RequestAdmission}), then tried on the route's targets.
     */
    public Uni<Answer> handle(Route route, byte[] body, UnaryOperator<String> clientHeader,
            Map<String, String> clientQuery, String requestId, Map<String, String> captures, RequestTrace trace) {
        return admission.admit(new RequestAdmission.Arrival(route, body, clientHeader, clientQuery, requestId,
                System.nanoTime(), clientApis.of(route), captures, trace), this::routed);
    }

    /**
     * A request at a sub-path the route's client API answers itself ({@code count_tokens}): the
     * client key and the body are checked as for every request, no target is called.
     */
    public Uni<Answer> answerHere(Route route, String subPath, byte[] body, UnaryOperator<String> clientHeader) {
        return admission.answerHere(route, subPath, body, clientHeader);
    }

    /** On a semantic route, the prompt's meaning picks the targets the attempts go to ({@link SemanticRouter}). */
    private Uni<Answer> routed(Exchange exchange) {
        if (!semantic.routes(exchange.route())) {
            return attempt(exchange, null);
        }
        return semantic.choose(exchange.route(), exchange.checked(), exchange.notServing(), exchange.requestId())
                .onItem().transformToUni(pick -> attempt(exchange.picked(pick), null));
    }

    private Uni<Answer> attempt(Exchange exchange, Failure previous) {
        String hashKey = exchange.clientHeader().apply(exchange.route().balancing().hashOnHeader());
        return exchange.pool().begin(hashKey, exchange.passedOver())
                .onItem().transformToUni(begun -> attempt(exchange, previous, begun));
    }

    private Uni<Answer> attempt(Exchange exchange, Failure previous, Optional<Attempt> begun) {
        if (begun.isEmpty()) {
            if (previous != null) {
                return answer(exchange, previous);
            }
            TargetRefusals refused = exchange.refused();
            if (refused.any() && exchange.passedOver().size() >= exchange.route().targets().size()) {
                reporter.failed(exchange, exchange.route().targets().get(refused.firstTarget()), refused.first().status());
                throw refused.first();
            }
            GatewayException none = noTarget(exchange);
            reporter.failed(exchange, null, none.status());
            return Uni.createFrom().failure(none);
        }
        Attempt attempt = begun.get();
        Target target = attempt.target();
        exchange.tried().add(target.index());
        secrets.freshen(target);
        Format format = formats.of(target.format());
        ClientRequest request;
        UpstreamRequest call;
        try {
            // the target's model name and URL as this request's templates make them
            Target resolved = TargetTemplates.resolve(target, exchange.templates());
            request = rules.forTarget(exchange.route(), resolved, exchange.checked());
            ObjectNode upstreamBody = format.toUpstream(request, resolved);
            Map<String, String> headers = new LinkedHashMap<>();
            URI url = UpstreamAuth.apply(resolved.auth(), exchange.clientHeader(), exchange.clientQuery(),
                    resolved.upstreamUrl(), headers, upstreamBody);
            exchange.trace().attemptBegins(resolved, request, exchange.tried().size(), headers);
            call = new UpstreamRequest(url, headers, serialize(upstreamBody), exchange.requestId());
        } catch (RuntimeException refused) {
            attempt.released().subscribe().with(done -> {
            }, failure -> {
            });
            if (TargetRefusals.isRefusal(refused)) {
                // the request does not suit this target: no attempt, and another target may take it
                exchange.tried().remove(target.index());
                exchange.refused().add(target.index(), (GatewayException) refused);
                return attempt(exchange, previous);
            }
            reporter.failed(exchange, target, refused instanceof GatewayException gateway ? gateway.status() : 500);
            throw refused;
        }
        Uni<Answer> answer;
        if (request.stream()) {
            answer = upstream.stream(exchange.route(), call).onItemOrFailure().transformToUni((stream, failure) -> {
                if (failure != null) {
                    return failed(exchange, attempt, Failure.of(failure));
                }
                if (stream.head().status() != 200) {
                    return failed(exchange, attempt, Failure.of(format, stream.head()));
                }
                return streamed.answer(exchange, attempt, format, request, stream,
                        (again, broken) -> failed(exchange, again, broken));
            });
        } else {
            answer = upstream.post(exchange.route(), call).onItemOrFailure().transformToUni((response, failure) -> {
                if (failure != null) {
                    return failed(exchange, attempt, Failure.of(failure));
                }
                if (response.status() != 200) {
                    return failed(exchange, attempt, Failure.of(format, response));
                }
                return whole.answer(exchange, attempt, format, request, response);
            });
        }
        // the client left before this attempt ended: the target is no longer in flight for it
        return answer.onCancellation().call(() -> {
            // reported once, by the attempt in flight (a stream reports its own 499 as its body ends)
            if (!request.stream() && exchange.lastTried() == target.index()) {
                reporter.answered(exchange, target, request, 499, attempt.elapsed().toNanos(), null, null, null);
            }
            return attempt.released();
        });
    }

    /** Records the failure, then tries another target if the route's failover rules allow it. */
    private Uni<Answer> failed(Exchange exchange, Attempt attempt, Failure failure) {
        exchange.trace().attemptFailed(failure.response() == null ? 0 : failure.response().status(), failure.error());
        boolean moveOn = FailoverRule.movesOn(exchange.route().balancing(), failure.criterion())
                && exchange.tried().size() <= exchange.route().balancing().retries();
        // the breaker's books are written before the next attempt or the answer
        return attempt.failed(failure.criterion(), failure.retryAfter())
                .chain(() -> moveOn ? attempt(exchange, failure) : answer(exchange, failure));
    }

    /** The last failure, answered as Kong does: an upstream's error as it came, or the gateway's 502/504. */
    private Uni<Answer> answer(Exchange exchange, Failure failure) {
        Map<String, String> attempted = AnswerHeaders.attempted(exchange);
        Target last = exchange.route().targets().get(exchange.lastTried());
        if (failure.error() != null) {
            reporter.failed(exchange, last, failure.error().status());
            return Uni.createFrom().failure(failure.error().withHeaders(attempted));
        }
        reporter.failed(exchange, last, failure.response().status());
        Answer answer = AnswerHeaders.upstreamError(exchange.api(), failure.format(), failure.response());
        attempted.forEach((name, value) -> answer.headers().put(name, List.of(value)));
        return Uni.createFrom().item(answer);
    }

    /**
     * Every target is out: paused at its upstream's request (429), or resting after failures, or
     * held by a circuit breaker's trial (503).
     */
    private GatewayException noTarget(Exchange exchange) {
        return Unavailable.of(exchange.route(), exchange.pool());
    }

    private byte[] serialize(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
