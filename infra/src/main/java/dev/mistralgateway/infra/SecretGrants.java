package dev.mistralgateway.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsLayerVersion;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsLogLevel;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsOptions;
import software.amazon.awscdk.services.lambda.ParamsAndSecretsVersions;
import software.amazon.awscdk.services.secretsmanager.Secret;

/** What the function may read of the secret stores, and the extension it reads run-time references through. */
final class SecretGrants {

    private SecretGrants() {
    }

    /**
     * The AWS Parameters and Secrets Lambda Extension, from which the gateway reads {@code {{aws-secret:...}}} and
     * {@code {{aws-ssm:...}}} references on its local endpoint. CDK picks the layer of the function's region and
     * architecture. Its own cache is off: the gateway keeps each value for AI_PROXY_SECRETS_TTL, and a second
     * cache in front of it would only delay a rotated key by another TTL.
     */
    static ParamsAndSecretsLayerVersion secretsExtension() {
        return ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103,
                ParamsAndSecretsOptions.builder().cacheEnabled(false).logLevel(ParamsAndSecretsLogLevel.WARN).build());
    }

    /**
     * Read access to exactly the secrets and parameters that the gateway reads at run time. References read at
     * deploy time get none: CloudFormation resolves them with the deployer's rights, and the function, which
     * only ever sees their values, must not be able to read the secret store itself.
     */
    static void grant(Stack stack, Function fn, GatewayEnv env) {
        // Insertion order keeps construct ids, and so the template, stable from one synth to the next.
        Map<String, SecretReference> distinct = new LinkedHashMap<>();
        env.secrets().stream().filter(SecretReference::atRuntime)
                .forEach(ref -> distinct.putIfAbsent(ref.kind() + " " + ref.id(), ref));
        int n = 0;
        for (SecretReference ref : distinct.values()) {
            String id = "Referenced" + (n++);
            switch (ref.kind()) {
                case SECRETS_MANAGER -> (ref.id().startsWith("arn:")
                        ? Secret.fromSecretCompleteArn(stack, id, ref.id())
                        : Secret.fromSecretNameV2(stack, id, ref.id())).grantRead(fn);
                // Not StringParameter.fromStringParameterName(..).grantRead: it adds an unused template parameter.
                case SSM_PARAMETER -> fn.addToRolePolicy(PolicyStatement.Builder.create()
                        .actions(List.of("ssm:GetParameter", "ssm:GetParameters"))
                        .resources(List.of(Arn.format(ArnComponents.builder()
                                .service("ssm")
                                .resource("parameter")
                                .resourceName(ref.id().replaceFirst("^/", ""))
                                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                                .build(), stack)))
                        .build());
            }
        }
    }
}
