package dev.mistralgateway.security;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.route.Auth;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import dev.mistralgateway.route.SecretText;
import dev.mistralgateway.route.Target;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Resolves credentials that reference AWS Secrets Manager or Parameter Store through the AWS
 * Parameters and Secrets Lambda Extension's local HTTP endpoint: no AWS SDK, no network client in
 * the hot path. All are resolved at start-up (a reference that cannot be resolved stops the
 * start); afterwards a value older than its time to live is fetched again in the background while
 * requests go on with the one they have.
 */
@Startup
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class AwsSecrets {

    private static final Logger LOG = Logger.getLogger(AwsSecrets.class);
    private static final String TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token";

    private final ObjectMapper mapper;
    private final String endpoint;
    private final String token;
    private final Duration ttl;
    private volatile HttpClient http;

    public AwsSecrets(RouteTable routes, GatewayConfig config, ObjectMapper mapper) {
        this.mapper = mapper;
        this.endpoint = config.secrets().endpoint().replaceAll("/+$", "");
        this.token = config.secrets().token();
        this.ttl = config.secrets().ttl();
        List<SecretText> references = new ArrayList<>();
        for (Route route : routes.routes()) {
            for (Target target : route.targets()) {
                secrets(target.auth()).stream().filter(secret -> secret.reference() != null).forEach(references::add);
            }
        }
        resolve(references);
        if (!references.isEmpty()) {
            LOG.infof("%d credential(s) read from AWS; read again after %s", references.size(), ttl);
        }
    }

    /**
     * Resolves the references of credentials that are not a route target's (a semantic route's
     * embeddings model) as start-up resolves the targets': one that cannot be resolved stops the start.
     */
    public void resolve(Auth auth) {
        resolve(secrets(auth).stream().filter(secret -> secret.reference() != null).toList());
    }

    private void resolve(List<SecretText> references) {
        if (references.isEmpty()) {
            return;
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        List<String> problems = new ArrayList<>();
        for (SecretText secret : references) {
            try {
                secret.resolvedAs(fetch(secret.reference()).join(), System.nanoTime());
            } catch (RuntimeException e) {
                problems.add(secret + ": " + rootMessage(e));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Credentials could not be read from AWS (through the Parameters and "
                    + "Secrets Lambda Extension at " + endpoint + "):\n  - " + String.join("\n  - ", problems));
        }
    }

    private static List<SecretText> secrets(Auth auth) {
        List<SecretText> secrets = new ArrayList<>(2);
        auth.header().ifPresent(header -> secrets.add(header.secret()));
        auth.param().ifPresent(param -> secrets.add(param.secret()));
        return secrets;
    }

    /** Called for each attempt on a target: starts a background refresh of its stale credentials. */
    public void freshen(Target target) {
        if (http == null) {
            return;
        }
        long now = System.nanoTime();
        for (SecretText secret : secrets(target.auth())) {
            if (secret.staleAt(now, ttl) && secret.startRefresh()) {
                fetch(secret.reference()).whenComplete((value, failure) -> {
                    secret.endRefresh();
                    if (failure == null) {
                        secret.resolvedAs(value, System.nanoTime());
                    } else {
                        // keep serving with the value we have: a passing failure must not take the route down
                        LOG.warnf("could not refresh %s: %s", secret, rootMessage(failure));
                    }
                });
            }
        }
    }

    private CompletableFuture<String> fetch(SecretText.Reference reference) {
        String path = reference.kind() == SecretText.Reference.Kind.SECRET
                ? "/secretsmanager/get?secretId=" + encode(reference.name())
                : "/systemsmanager/parameters/get?withDecryption=true&name=" + encode(reference.name());
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .header(TOKEN_HEADER, token).timeout(Duration.ofSeconds(10)).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the extension answered " + response.statusCode());
            }
            return valueOf(reference, response.body());
        });
    }

    private String valueOf(SecretText.Reference reference, String body) {
        JsonNode answer;
        try {
            answer = mapper.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the extension's answer is not JSON");
        }
        if (reference.kind() == SecretText.Reference.Kind.PARAMETER) {
            return required(answer.path("Parameter").path("Value"), "Parameter.Value");
        }
        String secret = required(answer.path("SecretString"), "SecretString");
        if (reference.jsonKey() == null) {
            return secret;
        }
        try {
            return required(mapper.readTree(secret).path(reference.jsonKey()), "the key " + reference.jsonKey());
        } catch (IOException e) {
            throw new IllegalStateException("the secret is not JSON, so it has no key " + reference.jsonKey());
        }
    }

    private static String required(JsonNode node, String what) {
        if (!node.isTextual()) {
            throw new IllegalStateException("the answer has no " + what);
        }
        return node.textValue();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
