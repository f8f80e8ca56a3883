package dev.mistralgateway.config;

import java.util.Locale;

/** Property name to environment-variable name, by SmallRye's rule, for messages that say what to set. */
public final class EnvNames {

    private EnvNames() {
    }

    /** The variable of one route's setting: {@code (0, "max-messages")} is {@code AI_PROXY_ROUTES_0__MAX_MESSAGES}. */
    public static String ofRoute(int route, String setting) {
        return of(GatewayConfig.PREFIX + ".routes[" + route + "]." + setting);
    }

    /** {@code ai-proxy.routes[0].paths} becomes {@code AI_PROXY_ROUTES_0__PATHS}. */
    public static String of(String propertyName) {
        StringBuilder env = new StringBuilder(propertyName.length());
        for (int i = 0; i < propertyName.length(); i++) {
            char c = propertyName.charAt(i);
            env.append(Character.isLetterOrDigit(c) ? c : '_');
        }
        return env.toString().toUpperCase(Locale.ROOT);
    }
}
