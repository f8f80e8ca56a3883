package dev.mistralgateway.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret named in gateway.env, read at one of two moments:
 * <ul>
 * <li>at deploy time, {@code {{secretsmanager:NAME_OR_ARN[:JSON_KEY]}}} or {@code {{ssm:PARAM_NAME}}}: it
 * becomes a CloudFormation dynamic reference, so the key never appears in the synthesized template, but
 * it does sit, resolved, in the function's configuration;</li>
 * <li>at run time, the gateway's own {@code {{aws-secret:NAME_OR_ARN[:JSON_KEY]}}} or
 * {@code {{aws-ssm:PARAM_NAME}}}: it stays in the function's configuration as written and the gateway
 * reads the value through the AWS Parameters and Secrets Lambda Extension, which the stack then adds.</li>
 * </ul>
 */
record SecretReference(Kind kind, String id, String jsonKey, boolean atRuntime) {

    enum Kind { SECRETS_MANAGER, SSM_PARAMETER }

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{([A-Za-z-]+):([^{}]*)}}");
    /** A complete secret ARN has 7 colon-separated parts; an 8th is the JSON key. */
    private static final int ARN_PARTS = 7;

    /** What stands in the template for this reference: a dynamic reference, or the gateway's own reference. */
    String replacement() {
        if (atRuntime) {
            return switch (kind) {
                case SECRETS_MANAGER -> "{{aws-secret:" + id + (jsonKey == null ? "" : ":" + jsonKey) + "}}";
                case SSM_PARAMETER -> "{{aws-ssm:" + id + "}}";
            };
        }
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
        int readAtRuntime = 0;
        while (m.find()) {
            SecretReference ref = parse(m.group(1), m.group(2).strip(), where);
            found.add(ref);
            readAtRuntime += ref.atRuntime() ? 1 : 0;
            m.appendReplacement(out, Matcher.quoteReplacement(ref.replacement()));
        }
        m.appendTail(out);
        // Only a "{{" left open is malformed: "}}" alone closes nested objects in a pasted JSON config block.
        if (REFERENCE.matcher(value).replaceAll("").contains("{{")) {
            throw new IllegalArgumentException(where + ": malformed reference; write {{secretsmanager:NAME}}, "
                    + "{{secretsmanager:NAME:JSON_KEY}}, {{ssm:PARAM_NAME}}, or, read at run time, "
                    + "{{aws-secret:NAME}}, {{aws-secret:NAME:JSON_KEY}} or {{aws-ssm:PARAM_NAME}}");
        }
        if (readAtRuntime > 1) {
            // The gateway reads one run-time reference per value; a second would go upstream as literal text.
            throw new IllegalArgumentException(where + ": holds more than one {{aws-secret:...}} or {{aws-ssm:...}} "
                    + "reference; a value may hold one (store the whole value in one secret)");
        }
        return out.toString();
    }

    private static SecretReference parse(String type, String body, String where) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException(where + ": {{" + type + ":}} names no secret");
        }
        return switch (type) {
            case "secretsmanager" -> secretsManager(body, false);
            case "aws-secret" -> secretsManager(body, true);
            case "ssm" -> parameter(type, body, false, where);
            // The extension decrypts SecureString parameters, so at run time they are welcome.
            case "aws-ssm" -> parameter(type, body, true, where);
            // CloudFormation refuses ssm-secure dynamic references in Lambda environment variables.
            case "ssm-secure" -> throw new IllegalArgumentException(where + ": Lambda environment variables do not "
                    + "accept SecureString (ssm-secure) parameters; have the gateway read it at run time with "
                    + "{{aws-ssm:NAME}}, or store the key in Secrets Manager");
            default -> throw new IllegalArgumentException(where + ": unknown reference {{" + type
                    + ":...}}; use {{secretsmanager:...}} or {{ssm:...}} (read at deploy time), "
                    + "{{aws-secret:...}} or {{aws-ssm:...}} (read at run time)");
        };
    }

    private static SecretReference parameter(String type, String body, boolean atRuntime, String where) {
        if (body.contains(":")) {
            throw new IllegalArgumentException(where + ": {{" + type + ":" + body + "}}: a parameter name has no ':'");
        }
        return new SecretReference(Kind.SSM_PARAMETER, body, null, atRuntime);
    }

    private static SecretReference secretsManager(String body, boolean atRuntime) {
        // Secret names cannot contain ':', so a ':' after a name (or after a complete ARN) starts the JSON key.
        List<String> parts = new ArrayList<>(List.of(body.split(":", -1)));
        int idParts = body.startsWith("arn:") ? Math.min(ARN_PARTS, parts.size()) : 1;
        String id = String.join(":", parts.subList(0, idParts));
        String key = parts.size() > idParts ? String.join(":", parts.subList(idParts, parts.size())) : null;
        return new SecretReference(Kind.SECRETS_MANAGER, id, key == null || key.isEmpty() ? null : key, atRuntime);
    }
}
