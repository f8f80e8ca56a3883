package dev.mistralgateway.standin;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Dev mode's stand-in of Mistral's chat and fill-in-the-middle API, for trying the gateway without a
 * Mistral key or a way out to the internet: an HTTP server on 127.0.0.1 that the dev routes call
 * instead of api.mistral.ai when {@link MistralStandInSource} gives its address (no
 * {@code MISTRAL_API_KEY}). It checks each request against Mistral's published spec and rules
 * ({@link MistralContract}) and refuses what Mistral would refuse, as Mistral does (422, 400), so a
 * developer sees a refusal before meeting it on Mistral.ai; it answers what Mistral would take in
 * Mistral's shapes, whole or streamed ({@link StandInAnswers}). Every answer carries {@link #HEADER}.
 *
 * <p>
 * Never in a packaged build: the bean exists in dev and test builds only, and starts only when
 * a route's upstream is its address, which only dev mode and tests are given.
 */
@UnlessBuildProfile("prod")
@ApplicationScoped
public class MistralStandIn {

    private static final Logger LOG = Logger.getLogger(MistralStandIn.class);

    /** Said on every answer, and passed on by the gateway as an upstream header. */
    public static final String HEADER = "X-Mistral-Stand-In";
    static final String HEADER_VALUE = "dev-mode stand-in of Mistral's API (no model ran); set MISTRAL_API_KEY for Mistral.ai";

    /** Pause between streamed events, so that a streaming client sees them come one by one. */
    static final long EVENT_PAUSE_MILLIS = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final RouteTable routes;
    private final Optional<String> url;
    private final String spec;
    private HttpServer server;
    private Future<Optional<MistralContract>> contract;

    public MistralStandIn(Vertx vertx, RouteTable routes,
            @ConfigProperty(name = MistralStandInSource.URL) Optional<String> url,
            @ConfigProperty(name = "mistral-stand-in.spec", defaultValue = "src/test/resources/mistral/openapi.yaml") String spec) {
        this.vertx = vertx;
        this.routes = routes;
        this.url = url;
        this.spec = spec;
    }

    void start(@Observes StartupEvent event) {
        if (url.isEmpty()) {
            return;
        }
        List<Route> served = routes.routes().stream().filter(route -> route.targets().stream()
                .anyMatch(target -> target.upstreamUrl().toString().startsWith(url.get() + "/"))).toList();
        if (served.isEmpty()) {
            return; // the dev routes were pointed elsewhere
        }
        contract = vertx.executeBlocking(this::readSpec, false);
        URI address = URI.create(url.get());
        server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(address.getPort(), address.getHost()).toCompletionStage().toCompletableFuture().join();
        LOG.infof("%s go to dev mode's stand-in of Mistral's API at %s, not to Mistral.ai (no MISTRAL_API_KEY, "
                + "or MISTRAL_STAND_IN_MODE=on): it checks each request against Mistral's published schema and "
                + "answers with a fixed text (header %s). For Mistral.ai's answers: MISTRAL_API_KEY=... "
                + "./mvnw quarkus:dev; for a local Ollama, /ollama-chat (see docs/development.md)", names(served), url.get(),
                HEADER);
    }

    @PreDestroy
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String names(List<Route> served) {
        return String.join(", ", served.stream().map(route -> route.name() + " " + route.paths()).toList());
    }

    /** The spec, read from the project's folder (dev mode runs there); empty, with a warning, when it is not found. */
    private Optional<MistralContract> readSpec() throws IOException {
        Path file = Path.of(spec);
        if (!Files.isReadable(file)) {
            LOG.warnf("Mistral's stand-in checks no request: %s is not found (mistral-stand-in.spec, relative to "
                    + "the folder dev mode runs in, %s)", spec, Path.of("").toAbsolutePath());
            return Optional.empty();
        }
        return Optional.of(MistralContract.read(Files.readString(file, StandardCharsets.UTF_8)));
    }

    private void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response().putHeader(HEADER, HEADER_VALUE);
        String path = request.path();
        if (!MistralContract.covers(path) || path.endsWith("/embeddings")) {
            send(response, 404, "{\"detail\":\"Not Found\"}");
            return;
        }
        if (request.method() != HttpMethod.POST) {
            send(response, 405, "{\"detail\":\"Method Not Allowed\"}");
            return;
        }
        request.body().compose(body -> contract.compose(checker -> vertx.executeBlocking(
                () -> answer(path, body.getBytes(), checker), false)))
                .onSuccess(answer -> send(response, answer))
                .onFailure(failure -> {
                    LOG.warn("Mistral's stand-in failed to answer", failure);
                    send(response, 500, "{\"object\":\"error\",\"message\":\"the stand-in failed: "
                            + failure.getClass().getSimpleName()
                            + "\",\"type\":\"internal_error\",\"param\":null,\"code\":null}");
                });
    }

    /** Mistral's refusal of the body, or the stand-in's answer to it. */
    private Answer answer(String path, byte[] body, Optional<MistralContract> checker) throws IOException {
        if (checker.isPresent()) {
            List<Violation> found = checker.get().check(path, body);
            if (!found.isEmpty()) {
                MistralContract.Refusal refusal = MistralContract.refusal(found);
                return new Answer(refusal.status(), "application/json", List.of(refusal.body()));
            }
        }
        JsonNode request = JSON.readTree(body);
        String text = StandInAnswers.text(path, request, checker.isPresent());
        return request.path("stream").asBoolean(false)
                ? new Answer(200, "text/event-stream", StandInAnswers.stream(request, text))
                : new Answer(200, "application/json", List.of(StandInAnswers.whole(request, text)));
    }

    private static void send(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    /** An answer: one piece, or a stream's events. */
    private record Answer(int status, String contentType, List<String> pieces) {
    }

    private void send(HttpServerResponse response, Answer answer) {
        response.setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType());
        if (answer.pieces().size() == 1) {
            response.end(answer.pieces().get(0));
            return;
        }
        response.setChunked(true);
        writeFrom(response, answer.pieces().iterator());
    }

    /** A stream's events one by one, a short pause apart, as Mistral streams. */
    private void writeFrom(HttpServerResponse response, Iterator<String> rest) {
        if (!rest.hasNext()) {
            response.end();
            return;
        }
        response.write(Buffer.buffer(rest.next()));
        vertx.setTimer(EVENT_PAUSE_MILLIS, id -> writeFrom(response, rest));
    }
}
