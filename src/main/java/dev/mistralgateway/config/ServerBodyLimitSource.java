package dev.mistralgateway.config;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Sets the HTTP server's own body limit, {@code quarkus.http.limits.max-body-size}, to the largest
 * route limit ({@code AI_PROXY_ROUTES_<r>__MAX_REQUEST_BODY_SIZE}, Kong's 1 MiB where unset), so no
 * path takes a bigger body than some route would. When a route has no limit of its own ({@code 0}),
 * the server's limit is Quarkus's default, 10 MB, which is then that route's limit.
 *
 * <p>
 * No headroom is added: the gateway checks each route's own limit before the server's
 * ({@code http/RequestIntake}), on the same count of bytes, so the server's limit only bounds
 * what is not a route. A limit set explicitly ({@code QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE}, or in
 * {@code application.properties}) wins: this source's ordinal is below both.
 *
 * <p>
 * The routes are read here from the raw sources, before the gateway's configuration is mapped
 * and validated: a pasted Kong block ({@code AI_PROXY_ROUTES_<r>__CONFIG}) is read for its
 * {@code max_request_body_size} too, since a factory does not see what another factory adds. A
 * value that is not a number derives nothing; {@link dev.mistralgateway.route.RouteTable} reports it at start-up.
 *
 * <p>
 * Quarkus also runs this factory while it builds the application, and keeps what it gives then
 * as a default of the run. So whenever routes are configured the value is written out, the 10 MB
 * included, and a value from the build never outlives the routes it came from. Profile-prefixed
 * names ({@code %dev.ai-proxy.routes[0]...}) are not read, for the same reason: dev mode keeps
 * Quarkus's default, and its routes their own limits.
 */
public class ServerBodyLimitSource implements ConfigSourceFactory {

    public static final String PROPERTY = "quarkus.http.limits.max-body-size";

    /** Below {@code application.properties} (250) and the environment (300), above Quarkus's default. */
    static final int ORDINAL = 200;

    /** Kong's default since 3.13, as {@link GatewayConfig.RouteConfig#maxRequestBodySize()} has it. */
    static final long KONG_DEFAULT = 1024 * 1024;

    /** Quarkus's own default for the server's limit, 10240K: the limit of a route without one of its own. */
    static final long QUARKUS_DEFAULT = 10 * 1024 * 1024;

    /** Any property of route r, as an environment variable or a property name. */
    private static final Pattern ROUTE = Pattern.compile(
            "AI_PROXY_ROUTES_(\\d+)__.+|" + Pattern.quote(GatewayConfig.PREFIX) + "\\.routes\\[(\\d+)]\\..+");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Set<Integer> routes = new TreeSet<>();
        for (Iterator<String> names = context.iterateNames(); names.hasNext();) {
            Matcher route = ROUTE.matcher(names.next());
            if (route.matches()) {
                routes.add(Integer.parseInt(route.group(1) != null ? route.group(1) : route.group(2)));
            }
        }
        OptionalLong largest = largestRouteLimit(routes, context);
        return largest.isEmpty() ? List.of()
                : List.of(new PropertiesConfigSource(Map.of(PROPERTY, Long.toString(largest.getAsLong())),
                        "ServerBodyLimitSource[largest AI_PROXY_ROUTES_n__MAX_REQUEST_BODY_SIZE]", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** Empty when there is no route or a limit is unreadable; Quarkus's default when a route has no limit. */
    private static OptionalLong largestRouteLimit(Set<Integer> routes, ConfigSourceContext context) {
        long largest = 0;
        for (int route : routes) {
            long limit = limitOf(route, context);
            if (limit < 0) {
                return OptionalLong.empty();
            }
            largest = Math.max(largest, limit == 0 ? QUARKUS_DEFAULT : limit);
        }
        return routes.isEmpty() ? OptionalLong.empty() : OptionalLong.of(largest);
    }

    /** The route's limit as its variable, else its Kong block, else Kong's default sets it; -1 if unreadable. */
    private static long limitOf(int route, ConfigSourceContext context) {
        String at = GatewayConfig.PREFIX + ".routes[" + route + "].";
        String value = valueOf(context.getValue(at + "max-request-body-size"));
        if (value == null) {
            String block = valueOf(context.getValue(at + "config"));
            if (block != null && !block.isBlank()) {
                try {
                    value = KongPluginConfig.parse(block).properties().get("max-request-body-size");
                } catch (IllegalArgumentException unreadable) {
                    return -1;
                }
            }
        }
        if (value == null || value.isBlank()) {
            return KONG_DEFAULT;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    private static String valueOf(ConfigValue value) {
        return value == null ? null : value.getValue();
    }
}
