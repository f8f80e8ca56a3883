package dev.mistralgateway.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.config.RouteTable;
import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

/**
 * The function's handler ({@code dev.mistralgateway.http.LambdaHandler::handleRequest}): Quarkus's stream
 * handler, which also does, when the runtime creates it, what the first invocation would otherwise do for
 * the first time. On Lambda that work then falls in the init phase (before SnapStart takes its snapshot,
 * and in an AOT cache's training) instead of in the first invocation:
 * <ul>
 * <li>one API Gateway event goes the whole way in and out through {@link #handleRequest}: the event's
 * reading, the handler's virtual connection into Vert.x, the router and the body intake, Quarkus REST, the
 * gateway's entry, its error writer and Jackson, the answer's writing. It needs no upstream: a POST on a
 * path that no route has, which the gateway answers 404 itself and reports nowhere;</li>
 * <li>one exchange of Vert.x's HTTP client with a server of its own on the loopback interface, both closed at
 * once: the code of an upstream call (connection, HTTP codec, pool) runs once. No request leaves the
 * function.</li>
 * </ul>
 * What stays with the first request is what only the upstream can do: DNS, TLS and the route's own pool.
 *
 * <p>This class exists in the Lambda build only ({@code src/lambda/java}); the plain server build has no
 * Lambda handler.
 */
public class LambdaHandler extends QuarkusStreamHandler {

    private static final Logger LOG = Logger.getLogger(LambdaHandler.class);
    /** A path that no route takes (if one did, there is no priming: a request there would be a real one). */
    static final String PATH = "/.well-known/mistral-gateway/priming";
    /** API Gateway's HTTP API event (payload 2.0) for {@code POST PATH} with a small JSON body. */
    private static final byte[] EVENT = ("{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"" + PATH + "\","
            + "\"rawQueryString\":\"\",\"headers\":{\"content-type\":\"application/json\",\"user-agent\":\"mistral-gateway-priming\"},"
            + "\"requestContext\":{\"accountId\":\"000000000000\",\"apiId\":\"priming\",\"domainName\":\"localhost\","
            + "\"requestId\":\"priming\",\"routeKey\":\"$default\",\"stage\":\"$default\",\"timeEpoch\":0,\"http\":{\"method\":"
            + "\"POST\",\"path\":\"" + PATH + "\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"127.0.0.1\",\"userAgent\":"
            + "\"mistral-gateway-priming\"}},\"body\":\"{\\\"messages\\\":[]}\",\"isBase64Encoded\":false}")
            .getBytes(StandardCharsets.UTF_8);

    public LambdaHandler() {
        super();
        // Quarkus's handler starts the application here when SnapStart's optimisations are on (the default),
        // else in its first invocation; either way, this handler starts it now
        Quarkus.manualStart();
        if (Arc.container().instance(RouteTable.class).get().forPath(PATH).isPresent()) {
            return;
        }
        long start = System.nanoTime();
        try {
            primeRequestPath();
            primeUpstreamClient(Arc.container().instance(Vertx.class).get());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("priming the request path at start-up failed (%s); the first request does that work instead", e);
            return;
        }
        LOG.infof("request path primed at start-up in %d ms", (System.nanoTime() - start) / 1_000_000);
    }

    private void primeRequestPath() throws Exception {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        handleRequest(new ByteArrayInputStream(EVENT), answer, null);
        int status = new ObjectMapper().readTree(answer.toByteArray()).path("statusCode").asInt();
        if (status != 404) {
            throw new IllegalStateException("the priming request got " + status + ", not the 404 it expects");
        }
    }

    private static void primeUpstreamClient(Vertx vertx) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(
                body -> request.response().putHeader("Content-Type", "application/json").end("{}")));
        HttpClient client = vertx.createHttpClient();
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            Buffer answer = client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.putHeader("Content-Type", "application/json").send(Buffer.buffer("{}")))
                    .compose(HttpClientResponse::body)
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (!answer.toString().equals("{}")) {
                throw new IllegalStateException("the loopback exchange got " + answer);
            }
        } finally {
            client.close();
            server.close();
        }
    }
}
