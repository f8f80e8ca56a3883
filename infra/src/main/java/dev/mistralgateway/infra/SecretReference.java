package dev.mistralgateway.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret named in gateway.env as {@code {{secretsmanager:NAME_OR_ARN[:JSON_KEY]}}} or
 * {@code {{ssm:PARAM_NAME}}}. It becomes a CloudFormation dynamic reference, which CloudFormation
 * resolves at deploy time: the key itself never appears in the synthesized template.
 */
record SecretReference(Kind kind, String id, String jsonKey) {

    enum Kind { SECRETS_MANAGER, SSM_PARAMETER }

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{([A-Za-z-]+):([^{}]*)}}");
    /** A complete secret ARN has 7 colon-separated parts; an 8th is the JSON key. */
    private static final int ARN_PARTS = 7;

    /** The CloudFormation dynamic reference that replaces this reference in the template. */
    String dynamicReference() {
        return switch (kind) {
            case SECRETS_MANAGER -> "{{resolve:secretsmanager:" + id + ":SecretString" + (jsonKey == null ? "" : ":" + jsonKey) + "}}";
            case SSM_PARAMETER -> "{{resolve:ssm:" + id + "}}";
        };
    }

    static boolean containsReference(String value) {
        return REFERENCE.matcher(value).find();
    }

    /** Replaces every reference in {@code value} with its dynamic reference and adds it to {@code found}. */
    static String resolve(String value, String where, List<SecretReference> found) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            SecretReference ref = parse(m.group(1), m.group(2).strip(), where);
            found.add(ref);
            m.appendReplacement(out, Matcher.quoteReplacement(ref.dynamicReference()));
        }
        m.appendTail(out);
        String rest = REFERENCE.matcher(value).replaceAll("");
        if (rest.contains("{{") || rest.contains("}}")) {
            throw new IllegalArgumentException(where + ": malformed reference; write {{secretsmanager:NAME}}, "
                    + "{{secretsmanager:NAME:JSON_KEY}} or {{ssm:PARAM_NAME}}");
        }
        return out.toString();
    }

    private static SecretReference parse(String type, String body, String where) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException(where + ": {{" + type + ":}} names no secret");
        }
        return switch (type) {
            case "secretsmanager" -> secretsManager(body);
            case "ssm" -> {
                if (body.contains(":")) {
                    throw new IllegalArgumentException(where + ": {{ssm:" + body + "}}: a parameter name has no ':'");
                }
                yield new SecretReference(Kind.SSM_PARAMETER, body, null);
            }
            // CloudFormation refuses ssm-secure dynamic references in Lambda environment variables.
            case "ssm-secure" -> throw new IllegalArgumentException(where + ": Lambda environment variables do not "
                    + "accept SecureString (ssm-secure) parameters; store the key in Secrets Manager and write "
                    + "{{secretsmanager:NAME}}");
            default -> throw new IllegalArgumentException(where + ": unknown reference {{" + type
                    + ":...}}; use {{secretsmanager:...}} or {{ssm:...}}");
        };
    }

    private static SecretReference secretsManager(String body) {
        // Secret names cannot contain ':', so a ':' after a name (or after a complete ARN) starts the JSON key.
        List<String> parts = new ArrayList<>(List.of(body.split(":", -1)));
        int idParts = body.startsWith("arn:") ? Math.min(ARN_PARTS, parts.size()) : 1;
        String id = String.join(":", parts.subList(0, idParts));
        String key = parts.size() > idParts ? String.join(":", parts.subList(idParts, parts.size())) : null;
        return new SecretReference(Kind.SECRETS_MANAGER, id, key == null || key.isEmpty() ? null : key);
    }
}
