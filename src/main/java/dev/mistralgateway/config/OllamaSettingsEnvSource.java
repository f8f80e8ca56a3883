package dev.mistralgateway.config;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
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
 * Reads {@code AI_PROXY_ROUTES_<r>__TARGETS_<t>__MODEL_OPTIONS_OLLAMA_<SETTING>} into the target's
 * {@code model.options.ollama} map.
 *
 * <p>
 * SmallRye cannot tell a map key from the rest of an environment-variable name, so it never
 * fills a map from the environment by itself. Ollama's setting names are lower-case snake_case,
 * which the variable's tail spells exactly once lower-cased: {@code ..._OLLAMA_NUM_CTX} is
 * {@code num_ctx}.
 */
public class OllamaSettingsEnvSource implements ConfigSourceFactory {

    private static final Pattern NAME = Pattern.compile(
            "AI_PROXY_ROUTES_(\\d+)__TARGETS_(\\d+)__MODEL_OPTIONS_OLLAMA_([A-Z0-9_]+)");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> properties = new HashMap<>();
        for (Iterator<String> names = context.iterateNames(); names.hasNext();) {
            String name = names.next();
            Matcher matcher = NAME.matcher(name);
            if (!matcher.matches()) {
                continue;
            }
            ConfigValue value = context.getValue(name);
            if (value != null && value.getValue() != null) {
                properties.put(GatewayConfig.PREFIX + ".routes[" + matcher.group(1) + "].targets[" + matcher.group(2)
                        + "].model.options.ollama." + matcher.group(3).toLowerCase(Locale.ROOT), value.getValue());
            }
        }
        return properties.isEmpty() ? List.of()
                : List.of(new PropertiesConfigSource(properties, "OllamaSettingsEnvSource", KongConfigSource.ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(KongConfigSource.ORDINAL);
    }
}
