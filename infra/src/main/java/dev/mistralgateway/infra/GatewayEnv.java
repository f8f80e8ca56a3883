package dev.mistralgateway.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * gateway.env as the stack needs it: the function's environment (secret references already turned
 * into dynamic references), the secrets the function may read, the paths the API must route, and the
 * Kong config blocks of the routes that have one, by route number.
 */
record GatewayEnv(Map<String, String> variables, List<SecretReference> secrets, List<String> paths,
        Map<Integer, KongConfigBlock> configs) {

    /** Variables that hold an upstream key: their value must come from a secret, never sit in the template. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*_AUTH_(HEADER|PARAM)_VALUE$");
    /** A pasted Kong plugin config block may hold the key as header_value / param_value. */
    private static final Pattern CONFIG_NAME = Pattern.compile("^AI_PROXY_ROUTES_(\\d+)__CONFIG$");
    private static final Pattern CONFIG_KEY = Pattern.compile("(header|param)_value", Pattern.CASE_INSENSITIVE);
    private static final Pattern PATHS_NAME = Pattern.compile("^AI_PROXY_ROUTES_\\d+__PATHS$");
    private static final Pattern ROUTE_NAME = Pattern.compile("^AI_PROXY_ROUTES_(\\d+)__.*");

    static GatewayEnv load(Path file) {
        return of(DotEnv.read(file));
    }

    static GatewayEnv of(List<DotEnv.Line> lines) {
        Map<String, String> variables = new LinkedHashMap<>();
        List<SecretReference> secrets = new ArrayList<>();
        Set<String> paths = new LinkedHashSet<>();
        Map<Integer, KongConfigBlock> configs = new LinkedHashMap<>();
        for (DotEnv.Line line : lines) {
            requireReferenceIfSecret(line);
            String value = SecretReference.resolve(line.value(), line.where(), secrets);
            variables.put(line.name(), value);
            if (PATHS_NAME.matcher(line.name()).matches()) {
                addPaths(line, paths);
            }
            Matcher config = CONFIG_NAME.matcher(line.name());
            // An empty value counts as unset in the gateway's configuration (Quarkus), so it has no block.
            if (config.matches() && !value.isBlank()) {
                configs.put(Integer.parseInt(config.group(1)), KongConfigBlock.read(line, value));
            }
        }
        if (paths.isEmpty()) {
            throw new ConfigurationError("The gateway configuration sets no AI_PROXY_ROUTES_<n>__PATHS: "
                    + "the API would have no route");
        }
        return new GatewayEnv(variables, List.copyOf(secrets), List.copyOf(paths), Map.copyOf(configs));
    }

    /**
     * Where the gateway answers GET with its model list ({@code AI_PROXY_MODELS_PATH}, as the gateway reads
     * it: {@code /v1/models} when unset or empty, none when {@code off}).
     */
    java.util.Optional<String> modelsPath() {
        String path = variables.getOrDefault("AI_PROXY_MODELS_PATH", "").strip();
        if (path.equalsIgnoreCase("off")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(path.isEmpty() ? "/v1/models" : path);
    }

    /**
     * The paths of {@code preserve} routes (a target's ROUTE_TYPE, or its block's route_type): they also
     * take GET and DELETE, on the path and below it (a file's id, a batch job's cancel), as the gateway does.
     */
    List<String> preservedPaths() {
        List<String> preserved = new ArrayList<>();
        for (int route : routes()) {
            String prefix = "AI_PROXY_ROUTES_" + route + "__";
            boolean preserves = variables.entrySet().stream().anyMatch(v -> v.getKey().startsWith(prefix + "TARGETS_")
                    && v.getKey().endsWith("__ROUTE_TYPE") && v.getValue().strip().equals("preserve"))
                    || (configs.containsKey(route) && configs.get(route).preserves());
            String paths = variables.get(prefix + "PATHS");
            if (preserves && paths != null) {
                for (String path : paths.split(",")) {
                    preserved.add(path.strip());
                }
            }
        }
        return preserved;
    }

    /** The numbers of the routes that gateway.env configures, in order. */
    Set<Integer> routes() {
        Set<Integer> routes = new java.util.TreeSet<>();
        for (String name : variables.keySet()) {
            var route = ROUTE_NAME.matcher(name);
            if (route.matches()) {
                routes.add(Integer.parseInt(route.group(1)));
            }
        }
        return routes;
    }

    private static void requireReferenceIfSecret(DotEnv.Line line) {
        boolean secretName = SECRET_NAME.matcher(line.name()).matches();
        boolean configWithKey = CONFIG_NAME.matcher(line.name()).matches() && CONFIG_KEY.matcher(line.value()).find();
        if ((secretName || configWithKey) && !SecretReference.containsReference(line.value())) {
            throw new ConfigurationError(line.where() + " holds a plain-text value; a key must not sit in "
                    + "the template. Write a reference instead, e.g. " + line.name()
                    + "=Bearer {{secretsmanager:mistral/api-key}} or {{ssm:/mistral/api-key}}");
        }
    }

    private static void addPaths(DotEnv.Line line, Set<String> paths) {
        for (String raw : line.value().split(",")) {
            String path = raw.strip();
            if (!path.startsWith("/") || path.contains(" ") || path.contains("{")) {
                throw new ConfigurationError(line.where() + ": '" + path + "' is not an exact path like /mistral-chat");
            }
            if (!paths.add(path)) {
                throw new ConfigurationError(line.where() + ": path " + path + " is configured twice");
            }
        }
    }
}
