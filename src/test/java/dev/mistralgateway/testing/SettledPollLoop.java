package dev.mistralgateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Before the first test of each class, one throwaway request, sent again until it is answered.
 *
 * <p>
 * In the Lambda build, tests reach the gateway through Quarkus's mock Lambda event server, which
 * outlives the application when a test class restarts it with other settings. The poll loop of the
 * stopped application may still take the next event from that server and then end without answering
 * it (Quarkus issue 15195): the next test's first request would hang until its read timeout (30 s)
 * and fail. The throwaway request is the one that can be lost; it waits 3 s at most.
 */
public class SettledPollLoop implements QuarkusTestBeforeEachCallback {

    private static final Set<Class<?>> SETTLED = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!SETTLED.add(context.getTestInstance().getClass())) {
            return;
        }
        // the port the mock event server listens on (set once it has started; absent in the server build)
        Optional<Integer> port = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.lambda.mock-event-server.test-port", Integer.class).filter(p -> p > 0);
        if (port.isEmpty()) {
            return;
        }
        URI uri = URI.create("http://localhost:" + port.get() + "/.well-known/settle-poll-loop");
        HttpClient client = HttpClient.newHttpClient();
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException lostOrRefused) {
                // taken by the old poll loop, or not listening yet: send it again
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
