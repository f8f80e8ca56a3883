package dev.mistralgateway.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * A Kong AI Proxy (Advanced) plugin {@code config:} block, pasted whole into one variable, spread
 * into this gateway's property names: {@code targets[0].model.options.mistral_format} becomes
 * {@code targets[0].model.options.mistral-format} under the route's prefix.
 *
 * <p>
 * YAML and JSON are both accepted (JSON is YAML). A block that still has Kong's outer
 * {@code config:} key (a whole plugin entry) is unwrapped. Fields this gateway does not act on are
 * listed in {@link #ignored()} so start-up can say so, because Kong's own exports carry every
 * field with its default or null.
 */
public final class KongPluginConfig {

    /** The Kong fields this gateway understands, with {@code []} standing for any list index. */
    private static final Set<String> SUPPORTED = Set.of(
            "response_streaming", "llm_format", "max_request_body_size", "model_name_header",
            "balancer.connect_timeout", "balancer.read_timeout", "balancer.write_timeout",
            "balancer.algorithm", "balancer.retries", "balancer.failover_criteria", "balancer.hash_on_header",
            "balancer.latency_strategy", "balancer.tokens_count_strategy", "balancer.max_fails", "balancer.fail_timeout",
            "balancer.slots",
            "targets[].route_type", "targets[].weight", "targets[].description",
            "targets[].auth.header_name", "targets[].auth.header_value",
            "targets[].auth.param_name", "targets[].auth.param_value", "targets[].auth.param_location",
            "targets[].auth.allow_override",
            "targets[].model.provider", "targets[].model.name", "targets[].model.alias", "targets[].model.model_alias",
            "targets[].model.options.mistral_format", "targets[].model.options.upstream_url",
            "targets[].model.options.upstream_path",
            "targets[].model.options.max_tokens", "targets[].model.options.temperature",
            "targets[].model.options.top_p", "targets[].model.options.top_k",
            "targets[].model.options.input_cost", "targets[].model.options.output_cost",
            "targets[].model.options.cache_read_cost",
            "targets[].model.options.mistral_cloud",
            "targets[].logging.log_statistics", "targets[].logging.log_payloads",
            // the semantic algorithm's; vectordb.strategy and its redis/pgvector stores are not needed here
            "embeddings.model.provider", "embeddings.model.name", "embeddings.model.options.upstream_url",
            "embeddings.model.options.mistral_format", "embeddings.model.options.input_cost",
            "embeddings.auth.header_name", "embeddings.auth.header_value", "embeddings.auth.param_name",
            "embeddings.auth.param_value", "embeddings.auth.param_location", "embeddings.auth.allow_override",
            "vectordb.distance_metric", "vectordb.threshold", "vectordb.dimensions");

    /** Ollama-only settings under {@code model.options.ollama}, whatever their names. */
    private static final String OLLAMA_SETTINGS = "targets[].model.options.ollama.";

    /** A target's own fields, which Kong's ai-proxy (not Advanced) puts at the top of its config. */
    private static final List<String> AI_PROXY_TARGET_FIELDS = List.of("route_type", "auth", "model", "logging");

    private static final Pattern INDEX = Pattern.compile("\\[\\d+]");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Map<String, String> properties;
    private final List<String> ignored;

    private KongPluginConfig(Map<String, String> properties, List<String> ignored) {
        this.properties = properties;
        this.ignored = ignored;
    }

    /**
     * @throws IllegalArgumentException when the text is not a YAML or JSON object
     */
    public static KongPluginConfig parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("is neither YAML nor JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("could not be read: " + e.getMessage(), e);
        }
        if (root != null && root.has("config") && !root.has("targets")) {
            root = root.get("config");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("must be a Kong plugin config object, with 'targets' in it");
        }
        List<String> targetFields = AI_PROXY_TARGET_FIELDS.stream().filter(root::has).toList();
        if (!targetFields.isEmpty() && !root.has("targets")) {
            // Kong's ai-proxy plugin (not Advanced) has one target, spelled at the top of its config
            throw new IllegalArgumentException("holds " + String.join(", ", targetFields) + " at its top, as Kong's "
                    + "ai-proxy plugin does; this gateway reads ai-proxy-advanced's config: put them under 'targets:' "
                    + "as its first target (targets:\n- route_type: ...)");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        flatten(root, "", properties, ignored);
        return new KongPluginConfig(properties, ignored);
    }

    /** Property names relative to the route ({@code targets[0].model.name}) and their values. */
    public Map<String, String> properties() {
        return properties;
    }

    /** Kong field paths that were set (not null) but that this gateway does not act on. */
    public List<String> ignored() {
        return ignored;
    }

    private static void flatten(JsonNode node, String kongPath, Map<String, String> out, List<String> ignored) {
        if (node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                flatten(field.getValue(), kongPath.isEmpty() ? field.getKey() : kongPath + "." + field.getKey(), out,
                        ignored);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), kongPath + "[" + i + "]", out, ignored);
            }
        } else if (isSupported(INDEX.matcher(kongPath).replaceAll("[]"))) {
            out.put(kongPath.replace('_', '-'), scalar(node));
        } else if (!node.isArray() || node.size() > 0) {
            ignored.add(kongPath);
        }
    }

    private static boolean isSupported(String field) {
        return SUPPORTED.contains(field) || field.startsWith(OLLAMA_SETTINGS);
    }

    private static String scalar(JsonNode node) {
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText().replace(",", "\\,")));
            return String.join(",", items);
        }
        return node.asText();
    }
}
