package dev.mistralgateway.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Spreads each pasted Kong plugin config ({@code AI_PROXY_ROUTES_<n>__CONFIG}) into ordinary
 * properties of route n, so the rest of the gateway sees one configuration tree whatever way it
 * was written.
 *
 * <p>
 * Its ordinal sits between {@code application.properties} (250) and environment variables
 * (300): a pasted block overrides the dev-mode defaults, and a single variable such as
 * {@code AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE} still overrides the block.
 */
public class KongConfigSource implements ConfigSourceFactory {

    static final int ORDINAL = 275;

    private static final Pattern ENV_NAME = Pattern.compile("AI_PROXY_ROUTES_(\\d+)__CONFIG");
    private static final Pattern PROPERTY_NAME = Pattern.compile(
            Pattern.quote(GatewayConfig.PREFIX) + "\\.routes\\[(\\d+)]\\.config");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> properties = new HashMap<>();
        for (Iterator<String> names = context.iterateNames(); names.hasNext();) {
            String name = names.next();
            int route = routeIndex(name);
            if (route < 0) {
                continue;
            }
            ConfigValue value = context.getValue(name);
            if (value == null || value.getValue() == null || value.getValue().isBlank()) {
                continue;
            }
            KongPluginConfig block;
            try {
                block = KongPluginConfig.parse(value.getValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(EnvNames.of(configProperty(route)) + " " + e.getMessage(), e);
            }
            String prefix = GatewayConfig.PREFIX + ".routes[" + route + "].";
            block.properties().forEach((key, v) -> properties.put(prefix + key, v));
        }
        List<ConfigSource> sources = new ArrayList<>();
        if (!properties.isEmpty()) {
            sources.add(new PropertiesConfigSource(properties, "KongConfigSource[AI_PROXY_ROUTES_n__CONFIG]", ORDINAL));
        }
        return sources;
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    static String configProperty(int route) {
        return GatewayConfig.PREFIX + ".routes[" + route + "].config";
    }

    private static int routeIndex(String name) {
        Matcher env = ENV_NAME.matcher(name);
        if (env.matches()) {
            return Integer.parseInt(env.group(1));
        }
        Matcher property = PROPERTY_NAME.matcher(name);
        return property.matches() ? Integer.parseInt(property.group(1)) : -1;
    }
}
