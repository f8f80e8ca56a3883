package dev.mistralgateway.standin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Decides, in dev mode, whether Mistral's stand-in ({@link MistralStandIn}) serves the dev routes, and
 * gives its address as {@code mistral-stand-in.url} when it does: {@code application.properties}
 * points the dev routes at {@code ${mistral-stand-in.url:https://api.mistral.ai}}.
 *
 * <p>
 * {@code mistral-stand-in.mode} ({@code MISTRAL_STAND_IN_MODE}): {@code auto} (dev mode's default)
 * uses the stand-in when {@code MISTRAL_API_KEY} is not set; {@code on} always, {@code off} never.
 * Only in dev mode and tests (where it is {@code off} unless a test turns it on): a packaged
 * application never gets an address here, whatever its configuration says.
 *
 * <p>
 * The address is a free port of 127.0.0.1, taken now and left for the stand-in to listen on when
 * the application starts (configuration is read before any bean exists). Quarkus also runs this
 * factory while it builds the application in dev mode; the port it picks then is a default that the
 * one picked at start-up replaces.
 */
public class MistralStandInSource implements ConfigSourceFactory {

    public static final String MODE = "mistral-stand-in.mode";
    public static final String URL = "mistral-stand-in.url";
    static final String KEY = "MISTRAL_API_KEY";

    /** Below {@code application.properties} (250) and the environment (300). */
    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String mode = valueOf(context.getValue(MODE));
        if (!serves(LaunchMode.current(), mode, valueOf(context.getValue(KEY)))) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(URL, "http://127.0.0.1:" + freePort()),
                "MistralStandInSource[" + MODE + "=" + mode + "]", ORDINAL));
    }

    /** Whether the stand-in serves, in this launch mode, with this mode setting and this key (null: unset). */
    static boolean serves(LaunchMode launch, String mode, String key) {
        if (launch != LaunchMode.DEVELOPMENT && launch != LaunchMode.TEST) {
            return false;
        }
        String chosen = mode == null || mode.isBlank() ? (launch == LaunchMode.DEVELOPMENT ? "auto" : "off")
                : mode.trim().toLowerCase(Locale.ROOT);
        return chosen.equals("on") || chosen.equals("auto") && (key == null || key.isBlank());
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for Mistral's stand-in", e);
        }
    }

    private static String valueOf(ConfigValue value) {
        return value == null ? null : value.getValue();
    }
}
