package dev.mistralgateway.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.route.RouteTable;
import io.quarkus.amazon.lambda.runtime.AmazonLambdaMapperRecorder;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Does at start-up what the first invocation would otherwise do for the first time, so that on Lambda the
 * work falls in the init phase (before SnapStart takes its snapshot, and in an AOT cache's training) instead
 * of in the first request. One request goes the whole way through the application (the router and the body
 * intake, Quarkus REST, the gateway's entry, its error writer and Jackson): a POST on a path that no route
 * has, which the gateway answers 404 itself and reports nowhere, so it needs no upstream and no request leaves
 * the function. And Vert.x's HTTP client exchanges one request with a server of its own on the loopback
 * interface, so the code of an upstream call (connection, HTTP codec, pool) has run.
 *
 * <p>Two ways of running the function, two ways in:
 * <ul>
 * <li>the JVM function: {@link LambdaHandler} starts Quarkus in its constructor, then sends the priming event
 * through itself (the event's reading, the virtual channel into Vert.x, the application, the answer's
 * writing) and calls {@link #primeUpstreamClient};</li>
 * <li>a native function (or any start by Quarkus's own main): no handler class is ever created; Quarkus's
 * poll loop asks for its first invocation only once the start has ended, so the start-up event, observed
 * here, primes it. That event comes before Quarkus binds the handler's virtual channel, so the request goes
 * to a loopback server whose handler is the one every request of the function reaches, sent by Vert.x's
 * client (which primes the upstream call's code at the same time); the event's reading and writing are
 * primed on their own, with the mapper Quarkus's Lambda runtime uses.</li>
 * </ul>
 * What stays with the first request: the virtual channel's code (native only) and what only the upstream
 * can do, DNS, TLS and the route's own pool. Only a packaged function primes: tests and dev mode start and
 * stop the application too often for it to pay, and their first request is no cold start.
 */
@ApplicationScoped
public class LambdaPriming {

    /** A path that no route takes (if one did, there is no priming: a request there would be a real one). */
    static final String PATH = "/.well-known/mistral-gateway/priming";
    private static final String BODY = "{\"messages\":[]}";
    /** API Gateway's HTTP API event (payload 2.0) for {@code POST PATH} with a small JSON body. */
    private static final byte[] EVENT = ("{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"" + PATH + "\","
            + "\"rawQueryString\":\"\",\"headers\":{\"content-type\":\"application/json\",\"user-agent\":\"mistral-gateway-priming\"},"
            + "\"requestContext\":{\"accountId\":\"000000000000\",\"apiId\":\"priming\",\"domainName\":\"localhost\","
            + "\"requestId\":\"priming\",\"routeKey\":\"$default\",\"stage\":\"$default\",\"timeEpoch\":0,\"http\":{\"method\":"
            + "\"POST\",\"path\":\"" + PATH + "\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"127.0.0.1\",\"userAgent\":"
            + "\"mistral-gateway-priming\"}},\"body\":\"{\\\"messages\\\":[]}\",\"isBase64Encoded\":false}")
            .getBytes(StandardCharsets.UTF_8);

    private final Vertx vertx;

    public LambdaPriming(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Whether this start primes: a packaged function's, where no route takes the priming path. */
    static boolean primes() {
        return LaunchMode.current() == LaunchMode.NORMAL
                && Arc.container().instance(RouteTable.class).get().forPath(PATH).isEmpty();
    }

    /** Not a static field, as in the JVM handler: a logger made before Quarkus sets up logging spoils them all. */
    static Logger log() {
        return Logger.getLogger(LambdaPriming.class);
    }

    /**
     * Whether this start runs inside the JVM handler's constructor, which primes its own way once the start is
     * done (Quarkus's handler starts the application in its constructor, before the gateway's could set a flag).
     */
    private static boolean startedByTheJvmHandler() {
        String handler = LambdaPriming.class.getPackageName() + ".LambdaHandler";
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(frame -> frame.getClassName().equals(handler)));
    }

    /** The priming event, for the JVM handler's way in. */
    static byte[] event() {
        return EVENT.clone();
    }

    void prime(@Observes StartupEvent started) {
        if (!primes() || startedByTheJvmHandler()) {
            return;
        }
        long start = System.nanoTime();
        try {
            primeEventMapping();
            // the handler every request of the function reaches, through the virtual channel or a socket alike
            Handler<HttpServerRequest> application = VertxHttpRecorder.getRootHandler();
            if (application == null) {
                throw new IllegalStateException("Quarkus has no HTTP handler yet");
            }
            int status = exchange(vertx, application, PATH);
            if (status != 404) {
                throw new IllegalStateException("the priming request got " + status + ", not the 404 it expects");
            }
        } catch (Exception e) {
            failed(e);
            return;
        }
        log().infof("request path primed at start-up in %d ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** The code of an upstream call, run once against a server of its own: no request leaves the function. */
    static void primeUpstreamClient(Vertx vertx) throws Exception {
        int status = exchange(vertx, request -> request.body().onComplete(
                body -> request.response().putHeader("Content-Type", "application/json").end("{}")), "/");
        if (status != 200) {
            throw new IllegalStateException("the loopback exchange got " + status);
        }
    }

    static void failed(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        log().warnf("priming the request path at start-up failed (%s); the first request does that work instead", e);
    }

    private static void primeEventMapping() throws Exception {
        // the mapper Quarkus's Lambda runtime reads every event with, once it has made it
        ObjectMapper events = AmazonLambdaMapperRecorder.objectMapper != null ? AmazonLambdaMapperRecorder.objectMapper
                : new ObjectMapper();
        APIGatewayV2HTTPEvent event = events.readValue(EVENT, APIGatewayV2HTTPEvent.class);
        APIGatewayV2HTTPResponse answer = new APIGatewayV2HTTPResponse();
        answer.setStatusCode(404);
        answer.setBody(event.getBody());
        events.writeValueAsBytes(answer);
    }

    /** One POST from Vert.x's client to a loopback server with this handler, both closed after; its status. */
    private static int exchange(Vertx vertx, Handler<HttpServerRequest> handler, String path) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(handler);
        HttpClient client = vertx.createHttpClient();
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            return client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", path)
                    .compose(request -> request.putHeader("Content-Type", "application/json")
                            .putHeader("User-Agent", "mistral-gateway-priming").send(Buffer.buffer(BODY)))
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            client.close();
            server.close();
        }
    }
}
