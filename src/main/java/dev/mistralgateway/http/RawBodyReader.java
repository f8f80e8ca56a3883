package dev.mistralgateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Reads a {@code preserve} route's body as the bytes it is, within a limit, into the routing context
 * where {@link GatewayEntry} takes every body from. Vert.x's {@code BodyHandler} cannot: it decodes a
 * {@code multipart/form-data} body into form parts and keeps none of its bytes, and an audio upload
 * must reach the upstream byte for byte.
 *
 * <p>
 * Past the limit, the request fails with 413, which {@link RequestIntake} answers in the error shape.
 * In the server build, a client that asks before sending ({@code Expect: 100-continue}) gets the
 * go-ahead here, since the server does not give it before the body is read.
 */
final class RawBodyReader implements Handler<RoutingContext> {

    private final long limit;
    private final boolean goAhead;

    /**
     * @param limit the most bytes read, or -1 for no limit
     * @param goAhead whether to answer {@code Expect: 100-continue}: on a real connection (the server
     *        build) only; behind Lambda the body is in the event already, and a 100 written to the
     *        handler's virtual connection would be taken for the answer
     */
    RawBodyReader(long limit, boolean goAhead) {
        this.limit = limit;
        this.goAhead = goAhead;
    }

    @Override
    public void handle(RoutingContext http) {
        HttpServerRequest request = http.request();
        Buffer body = Buffer.buffer();
        if (request.isEnded()) {
            // nothing left to read (a request with no body)
            keep(http, body);
            return;
        }
        boolean[] failed = { false };
        request.handler(piece -> {
            if (failed[0]) {
                return;
            }
            if (limit >= 0 && (long) body.length() + piece.length() > limit) {
                failed[0] = true;
                http.fail(413);
                return;
            }
            body.appendBuffer(piece);
        });
        request.exceptionHandler(failure -> {
            if (!failed[0]) {
                failed[0] = true;
                http.fail(failure);
            }
        });
        request.endHandler(ended -> {
            if (!failed[0]) {
                keep(http, body);
            }
        });
        if (goAhead && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // the key, the type and a declared length were checked already: the client may send its body
            // (curl asks so before an upload of over 1 MB, and would otherwise wait a second)
            request.response().writeContinue();
        }
        request.resume();
    }

    /** As Vert.x's BodyHandler leaves it: the body in the context, and the context told a body handler ran. */
    private static void keep(RoutingContext http, Buffer body) {
        RoutingContextInternal context = (RoutingContextInternal) http;
        context.visitHandler(RoutingContextInternal.BODY_HANDLER);
        context.setBody(body);
        http.next();
    }
}
