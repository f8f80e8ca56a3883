package dev.mistralgateway.infra;

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
 *
 * <p>
 * The grammar, for both, in one place:
 *
 * <pre>
 * reference  = "{{" TYPE ":" BODY "}}"         text may stand around it; BODY has no '{' or '}' and is trimmed
 * TYPE       = secretsmanager | ssm            read at deploy time
 *            | aws-secret | aws-ssm            read at run time (ssm-secure and any other TYPE are refused)
 * BODY       = SECRET [":" JSON_KEY]           secretsmanager, aws-secret
 *            | PARAMETER                       ssm, aws-ssm: a name, no ':' (so no parameter ARN)
 * SECRET     = a name, which has no ':', or a complete ARN arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX
 * JSON_KEY   = all after the ':' that ends SECRET (the first ':' of BODY, or the 7th of an ARN); not empty, may hold ':'
 * </pre>
 *
 * A value holds at most one run-time reference.
 *
 * <p>
 * The run-time half is the gateway's own syntax, which {@code dev.mistralgateway.route.SecretText} (the main
 * project, which infra cannot depend on) reads at start-up: {@link #secretsManager} splits SECRET and JSON_KEY
 * as it does, and SecretReferenceTest holds the two to the same results. Where the gateway would only fail at
 * start-up or when reading the secret, infra refuses at synth: an empty BODY or JSON_KEY, a '{' in BODY, a ':'
 * in a PARAMETER, a second run-time reference in one value.
 */
record SecretReference(Kind kind, String id, String jsonKey, boolean atRuntime) {

    enum Kind {
        SECRETS_MANAGER,
        SSM_PARAMETER
    }

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{([A-Za-z-]+):([^{}]*)}}");
    /** A complete secret ARN has 7 ':'-separated parts; what follows its 7th ':' is the JSON key. */
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
            case SECRETS_MANAGER ->
                "{{resolve:secretsmanager:" + id + ":SecretString" + (jsonKey == null ? "" : ":" + jsonKey) + "}}";
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
            throw new ConfigurationError(where + ": malformed reference; write {{secretsmanager:NAME}}, "
                    + "{{secretsmanager:NAME:JSON_KEY}}, {{ssm:PARAM_NAME}}, or, read at run time, "
                    + "{{aws-secret:NAME}}, {{aws-secret:NAME:JSON_KEY}} or {{aws-ssm:PARAM_NAME}}");
        }
        if (readAtRuntime > 1) {
            // The gateway reads one run-time reference per value; a second would go upstream as literal text.
            throw new ConfigurationError(where + ": holds more than one {{aws-secret:...}} or {{aws-ssm:...}} "
                    + "reference; a value may hold one (store the whole value in one secret)");
        }
        return out.toString();
    }

    private static SecretReference parse(String type, String body, String where) {
        if (body.isEmpty()) {
            throw new ConfigurationError(where + ": {{" + type + ":}} names no secret");
        }
        return switch (type) {
            case "secretsmanager" -> secretsManager(type, body, false, where);
            case "aws-secret" -> secretsManager(type, body, true, where);
            case "ssm" -> parameter(type, body, false, where);
            // The extension decrypts SecureString parameters, so at run time they are welcome.
            case "aws-ssm" -> parameter(type, body, true, where);
            // CloudFormation refuses ssm-secure dynamic references in Lambda environment variables.
            case "ssm-secure" -> throw new ConfigurationError(where + ": Lambda environment variables do not "
                    + "accept SecureString (ssm-secure) parameters; have the gateway read it at run time with "
                    + "{{aws-ssm:NAME}}, or store the key in Secrets Manager");
            default -> throw new ConfigurationError(where + ": unknown reference {{" + type
                    + ":...}}; use {{secretsmanager:...}} or {{ssm:...}} (read at deploy time), "
                    + "{{aws-secret:...}} or {{aws-ssm:...}} (read at run time)");
        };
    }

    private static SecretReference parameter(String type, String body, boolean atRuntime, String where) {
        if (body.contains(":")) {
            throw new ConfigurationError(where + ": {{" + type + ":" + body + "}}: a parameter name has no ':'");
        }
        return new SecretReference(Kind.SSM_PARAMETER, body, null, atRuntime);
    }

    private static SecretReference secretsManager(String type, String body, boolean atRuntime, String where) {
        // As SecretText does: a name has no ':', so its first ':' starts the JSON key; after a complete ARN, its 7th.
        int colon = body.startsWith("arn:") ? nthColon(body, ARN_PARTS) : body.indexOf(':');
        if (colon < 0) {
            return new SecretReference(Kind.SECRETS_MANAGER, body, null, atRuntime);
        }
        String key = body.substring(colon + 1);
        if (key.isEmpty()) {
            // The gateway would look for a key "" in the secret; CloudFormation would read the whole of it.
            throw new ConfigurationError(where + ": {{" + type + ":" + body + "}} names no JSON key after its last ':'; "
                    + "drop the ':' to read the whole secret");
        }
        return new SecretReference(Kind.SECRETS_MANAGER, body.substring(0, colon), key, atRuntime);
    }

    /** Where the n-th ':' of {@code text} stands, or -1 when it has fewer. */
    private static int nthColon(String text, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = text.indexOf(':', at + 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }
}
