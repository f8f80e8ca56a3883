package dev.mistralgateway.fleet;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.mistralgateway.config.GatewayConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * Builds the {@link SharedState}: on Redis when Quarkus's {@code QUARKUS_REDIS_HOSTS} names one,
 * else per instance. Quarkus's Redis client is only looked up when hosts are set, so a gateway
 * without Redis never creates it (it would refuse to start without hosts).
 */
@ApplicationScoped
public class SharedStateSetup {

    private static final Logger LOG = Logger.getLogger(SharedStateSetup.class);

    static final String DEADLINE = "AI_PROXY_SHARED_STATE_DEADLINE";
    static final String FRESHNESS = "AI_PROXY_SHARED_STATE_FRESHNESS";
    static final String KEY_PREFIX = "AI_PROXY_SHARED_STATE_KEY_PREFIX";
    static final String RESPONSES_TTL = "AI_PROXY_SHARED_STATE_RESPONSES_TTL";

    @Produces
    @Singleton
    SharedState sharedState(GatewayConfig config, Instance<Redis> redis, RedisPerEventLoop loops) {
        GatewayConfig.SharedStateConfig settings = config.sharedState();
        validate(settings);
        boolean configured = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class)
                .filter(hosts -> !hosts.isBlank()).isPresent();
        LocalStore local = new LocalStore();
        Optional<FleetStore> fleet = Optional.empty();
        if (configured) {
            Redis client = redis.get();
            fleet = Optional.of(store(client, loops, settings));
            // opens the connection now (during a Lambda's init, which is not billed by the request),
            // so that the first request's calls do not spend their deadline on it; a failure here is
            // only the first request's fallback
            client.send(Request.cmd(Command.PING)).subscribe().with(pong -> {
            }, failure -> {
            });
            LOG.infof("shared state: breakers, pauses, balancer state and rate limits in Redis (keys %s:..., deadline %d ms, "
                    + "balancer copy at most %d ms old)", settings.keyPrefix(), settings.deadline(), settings.freshness());
        } else {
            LOG.info("shared state: per instance (QUARKUS_REDIS_HOSTS is not set): each instance keeps its own"
                    + " breakers, pauses, balancer measures and rate limits");
        }
        return new SharedState(local, fleet, Duration.ofMillis(settings.deadline()),
                Duration.ofMillis(settings.freshness()), System::currentTimeMillis,
                new StoreTrouble(System::currentTimeMillis));
    }

    /** Quarkus's client, or the calling event loop's once it has one ({@link RedisPerEventLoop}). */
    private static RedisStore store(Redis client, RedisPerEventLoop loops, GatewayConfig.SharedStateConfig settings) {
        return new RedisStore(() -> loops.on(client), settings.keyPrefix());
    }

    /** The values the fleet keeps (stored responses): in the same Redis, with the same deadline. */
    @Produces
    @Singleton
    StoredValues storedValues(GatewayConfig config, Instance<Redis> redis, RedisPerEventLoop loops, SharedState shared) {
        GatewayConfig.SharedStateConfig settings = config.sharedState();
        Optional<RedisStore> store = shared.shared() ? Optional.of(store(redis.get(), loops, settings))
                : Optional.empty();
        StoredValues values = new StoredValues(store, Duration.ofMillis(settings.deadline()),
                Duration.ofSeconds(settings.responsesTtl()), shared.trouble());
        if (values.kept()) {
            LOG.infof("stored responses: in Redis for %d s (%s)", settings.responsesTtl(), RESPONSES_TTL);
        } else if (shared.shared()) {
            LOG.infof("stored responses: none (%s=0)", RESPONSES_TTL);
        }
        return values;
    }

    static void validate(GatewayConfig.SharedStateConfig settings) {
        StringBuilder problems = new StringBuilder();
        if (settings.deadline() < 1) {
            problems.append("\n  - ").append(DEADLINE).append(": must be at least 1 (milliseconds), not ")
                    .append(settings.deadline());
        }
        if (settings.freshness() < 0) {
            problems.append("\n  - ").append(FRESHNESS).append(": must be 0 (read Redis at every pick) or more"
                    + " (milliseconds), not ").append(settings.freshness());
        }
        if (settings.keyPrefix().isBlank() || settings.keyPrefix().matches(".*[{}\\s].*")) {
            problems.append("\n  - ").append(KEY_PREFIX).append(": must be a word without braces or spaces, not '")
                    .append(settings.keyPrefix()).append("'");
        }
        if (settings.responsesTtl() < 0) {
            problems.append("\n  - ").append(RESPONSES_TTL).append(": must be 0 (store no response) or more"
                    + " (seconds a stored response stays), not ").append(settings.responsesTtl());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("The gateway's configuration is invalid:" + problems);
        }
    }
}
