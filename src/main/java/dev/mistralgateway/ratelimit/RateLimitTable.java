package dev.mistralgateway.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.mistralgateway.config.EnvNames;
import dev.mistralgateway.config.GatewayConfig;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteTable;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Each route's rate limits and its client keys' names, read from the configuration and validated
 * once at start-up; a mistake names the variable to fix. A key's name is what logs, statistics and
 * rate-limit keys show of it: the key itself is known only by its digest, and not even that is shown.
 */
// not @ApplicationScoped: its client proxy looks the bean up at every call on the request path (JFR at C1)
@Singleton
public class RateLimitTable {

    private static final Logger LOG = Logger.getLogger(RateLimitTable.class);

    private final Map<Integer, List<RateLimit>> limits = new HashMap<>();
    private final Map<Integer, List<String>> keyNames = new HashMap<>();

    @Inject
    public RateLimitTable(GatewayConfig config, RouteTable routes) {
        this(config, routes.routes());
    }

    RateLimitTable(GatewayConfig config, List<Route> routes) {
        List<String> problems = new ArrayList<>();
        for (Route route : routes) {
            GatewayConfig.RouteConfig raw = config.routes().get(route.index());
            keyNames.put(route.index(), names(route, raw, problems));
            List<RateLimit> ofRoute = new ArrayList<>();
            for (int i = 0; i < raw.rateLimits().size(); i++) {
                RateLimit limit = RateLimitSettings.read(route, i, raw.rateLimits().get(i), problems);
                if (limit != null) {
                    ofRoute.add(limit);
                    LOG.infof("route '%s' limits %s to %s per %d s, per %s", route.name(), limit.counts().id(),
                            RateLimitHeaders.figure(limit.limit()), limit.windowSeconds(),
                            limit.per() == RateLimit.Per.HEADER ? "header " + limit.header() : limit.per().id());
                }
            }
            limits.put(route.index(), List.copyOf(ofRoute));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("The gateway's configuration is invalid:\n  - " + String.join("\n  - ", problems));
        }
    }

    private static List<String> names(Route route, GatewayConfig.RouteConfig raw, List<String> problems) {
        int keys = route.clientAuth().map(auth -> auth.keyDigests().size()).orElse(0);
        List<String> names = raw.clientAuthKeyNames().orElse(List.of()).stream().map(String::trim).toList();
        String variable = EnvNames.ofRoute(route.index(), "client-auth-key-names");
        if (!names.isEmpty() && names.size() != keys) {
            problems.add(variable + ": names the route's " + keys + " client keys in the order of "
                    + EnvNames.ofRoute(route.index(), "client-auth-key-sha256") + "; it has " + names.size() + " names");
            return List.of();
        }
        List<String> all = new ArrayList<>();
        for (int key = 0; key < keys; key++) {
            all.add(names.isEmpty() ? "key-" + (key + 1) : names.get(key));
        }
        return all;
    }

    public List<RateLimit> of(Route route) {
        return limits.getOrDefault(route.index(), List.of());
    }

    /** The name of the route's key at this index (as the digests are listed), or null when none matched. */
    public String keyName(Route route, int key) {
        List<String> names = keyNames.getOrDefault(route.index(), List.of());
        return key < 0 || key >= names.size() ? null : names.get(key);
    }

    /** What stands for a client key in a rate-limit key: a digest of its digest, which no one can turn back. */
    static String keyId(Route route, int key) {
        byte[] digest = route.clientAuth().orElseThrow().keyDigests().get(key);
        return HexFormat.of().formatHex(RateLimiter.sha256(HexFormat.of().formatHex(digest)
                .getBytes(StandardCharsets.US_ASCII)), 0, 8);
    }
}
