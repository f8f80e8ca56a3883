package dev.mistralgateway.infra;

import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * A Kong plugin {@code config:} block pasted into {@code AI_PROXY_ROUTES_<n>__CONFIG}, read at synth as the
 * gateway reads it at start-up (YAML or JSON; a whole plugin entry is unwrapped), for two reasons: a block
 * the gateway could not use fails here, before a deploy, rather than at the function's start; and the stack
 * must know the balancer timeouts a block sets, so as not to override them (a variable of the route wins
 * over its block).
 *
 * <p>
 * Only the shape is checked here; the fields themselves are the gateway's to validate.
 */
final class KongConfigBlock {

    /** Fields of one target in ai-proxy-advanced, which Kong's ai-proxy plugin has at the top of its config. */
    private static final List<String> TARGET_FIELDS = List.of("route_type", "auth", "model", "logging", "weight",
            "description");
    /**
     * A reference CloudFormation resolves at deploy time: the gateway sees the secret there, so it is read as
     * a plain word. Run-time references stay as written, as the gateway sees them.
     */
    private static final Pattern DEPLOY_TIME_REFERENCE = Pattern.compile("\\{\\{resolve:[^}]*}}");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final JsonNode config;

    private KongConfigBlock(JsonNode config) {
        this.config = config;
    }

    /**
     * @param value the block as the function will get it, its references already turned into template text
     * @throws ConfigurationError naming the line, when the gateway could not use the block
     */
    static KongConfigBlock read(DotEnv.Line line, String value) {
        JsonNode root;
        try {
            root = YAML.readTree(DEPLOY_TIME_REFERENCE.matcher(value).replaceAll("secret"));
        } catch (JsonProcessingException e) {
            // The parser's "line N" is the N-th line of the value, the first being the one in gateway.env with its name.
            throw new ConfigurationError(line.where() + ": is neither YAML nor JSON: " + e.getOriginalMessage());
        }
        String plugin = null;
        // As the gateway does: a whole plugin entry (name: ..., config: ...) stands for its config.
        if (root != null && root.has("config") && !root.has("targets")) {
            plugin = root.path("name").isTextual() ? root.get("name").asText() : null;
            root = root.get("config");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationError(line.where() + ": must be a Kong plugin config object, with 'targets' in it");
        }
        requireTargetFieldsInTargets(line, root, plugin);
        return new KongConfigBlock(root);
    }

    /**
     * Kong's ai-proxy plugin configures one target at the top of its config; ai-proxy-advanced, whose shape the
     * gateway reads, lists targets. Pasted into the gateway, an ai-proxy block would leave the route without a
     * target and the function would not start; say so here, naming what was found and where it belongs.
     */
    private static void requireTargetFieldsInTargets(DotEnv.Line line, JsonNode root, String plugin) {
        List<String> found = TARGET_FIELDS.stream().filter(field -> root.hasNonNull(field)).toList();
        if (found.isEmpty()) {
            return;
        }
        String fields = String.join(", ", found);
        boolean one = found.size() == 1;
        String stand = one ? " stands" : " stand";
        String example = "targets:\n" + String.join("\n", found.stream()
                .map(field -> (field.equals(found.get(0)) ? "- " : "  ") + field + ": ...").toList());
        if (root.has("targets")) {
            throw new ConfigurationError(line.where() + ": " + fields + stand + " at the top of the block, beside "
                    + "'targets:'; " + (one ? "it is a field" : "they are fields") + " of a target: move "
                    + (one ? "it" : "them")
                    + " into each target of the list, e.g.\n" + example);
        }
        throw new ConfigurationError(line.where() + ": " + fields + stand + " at the top of the block, as in "
                + "Kong's ai-proxy plugin" + (plugin == null ? ""
                        : " (the block names the plugin " + plugin
                                + "; this gateway takes ai-proxy-advanced's config)")
                + "; this gateway reads ai-proxy-advanced's "
                + "shape, where they are fields of a target in the list 'targets:'. Indent them under 'targets:' as "
                + "one target, e.g.\n" + example);
    }

    /** A {@code balancer:} setting of the block (Kong's name, e.g. {@code read_timeout}) as written, or null. */
    String balancer(String field) {
        JsonNode value = config.path("balancer").path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** Whether a target of the block is Kong's {@code preserve} route type (Mistral's API passed through). */
    boolean preserves() {
        for (JsonNode target : config.path("targets")) {
            if ("preserve".equals(target.path("route_type").asText())) {
                return true;
            }
        }
        return false;
    }
}
