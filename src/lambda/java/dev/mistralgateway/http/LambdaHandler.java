package dev.mistralgateway.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.vertx.core.Vertx;

/**
 * The JVM function's handler ({@code dev.mistralgateway.http.LambdaHandler::handleRequest}): Quarkus's stream
 * handler, which starts the application as soon as the runtime creates it and then primes the request path
 * (see {@link LambdaPriming}), so that both fall in Lambda's init phase (before SnapStart takes its snapshot,
 * and in an AOT cache's training) instead of in the first invocation: the priming event goes the whole way in
 * and out through this handler, then Vert.x's client runs an upstream call's code once.
 *
 * <p>A native function has no handler class: its bootstrap runs Quarkus's poll loop, and
 * {@link LambdaPriming} primes it in the start itself. This class exists in the Lambda build only
 * ({@code src/lambda/java}); the plain server build has no Lambda handler.
 */
public class LambdaHandler extends QuarkusStreamHandler {

    /*
     * No static logger: this class is loaded before Quarkus sets up its logging, and a logger made then picks the
     * JDK's plain format for every logger of the function (its log lines were then no longer JSON).
     */

    public LambdaHandler() {
        super();
        // Quarkus's handler starts the application in its constructor when SnapStart's optimisations are on (the
        // default), else in its first invocation; either way, this handler starts it now
        Quarkus.manualStart();
        if (!LambdaPriming.primes()) {
            return;
        }
        long start = System.nanoTime();
        try {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            handleRequest(new ByteArrayInputStream(LambdaPriming.event()), answer, null);
            int status = new ObjectMapper().readTree(answer.toByteArray()).path("statusCode").asInt();
            if (status != 404) {
                throw new IllegalStateException("the priming event got " + status + ", not the 404 it expects");
            }
            LambdaPriming.primeUpstreamClient(Arc.container().instance(Vertx.class).get());
        } catch (Exception e) {
            LambdaPriming.failed(e);
            return;
        }
        Logger.getLogger(LambdaHandler.class).infof("request path primed through the handler in %d ms",
                (System.nanoTime() - start) / 1_000_000);
    }
}
