package dev.mistralgateway.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.elasticache.CfnServerlessCache;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Node;

/**
 * Where the fleet's shared state lives (the gateway's QUARKUS_REDIS_* variables): nowhere ({@code none}, each
 * instance keeps its own), an existing Redis ({@code -c redisUrl=rediss://...}, its password as
 * {@code -c redisPassword={{secretsmanager:NAME[:KEY]}}}), or {@code -c sharedState=elasticache}: an
 * ElastiCache Serverless (Valkey) cache, TLS on, in a VPC of its own, which the function then joins: private
 * subnets with a NAT gateway, so it still reaches Mistral.ai, and a security group of the cache that lets in
 * the function's group only.
 */
final class SharedStateInfra {

    /** Valkey's port, which ElastiCache Serverless serves. */
    static final int REDIS_PORT = 6379;

    private final Map<String, String> variables = new LinkedHashMap<>();
    private Vpc vpc;
    private SecurityGroup functionGroup;

    private SharedStateInfra() {
    }

    static SharedStateInfra fromContext(Stack stack, Node node) {
        String kind = text(node, "sharedState", "none");
        String url = text(node, "redisUrl", "");
        String password = text(node, "redisPassword", "");
        SharedStateInfra infra = new SharedStateInfra();
        switch (kind) {
            case "none" -> {
                if (!password.isEmpty() && url.isEmpty()) {
                    throw new ConfigurationError("redisPassword is the password of -c redisUrl=...: set that too");
                }
                if (!url.isEmpty()) {
                    infra.existing(url, password);
                }
            }
            case "elasticache" -> {
                if (!url.isEmpty() || !password.isEmpty()) {
                    throw new ConfigurationError("sharedState=elasticache creates its own cache: leave redisUrl and "
                            + "redisPassword unset, or use -c redisUrl=... without sharedState");
                }
                infra.elastiCache(stack);
            }
            default -> throw new ConfigurationError("sharedState must be none or elasticache, not " + kind
                    + " (for an existing Redis, use -c redisUrl=rediss://host:port)");
        }
        return infra;
    }

    private void existing(String url, String password) {
        if (!url.matches("rediss?://[^\\s/@]+(:\\d+)?/?")) {
            throw new ConfigurationError("redisUrl must be redis://host:port or rediss://host:port (TLS), without a "
                    + "password in it (give that as -c redisPassword={{secretsmanager:NAME[:KEY]}}), not "
                    + url.replaceAll("//[^@]*@", "//...@"));
        }
        variables.put("QUARKUS_REDIS_HOSTS", url);
        if (!password.isEmpty()) {
            List<SecretReference> found = new ArrayList<>();
            String resolved = SecretReference.resolve(password, "redisPassword", found);
            if (found.isEmpty() || found.stream().anyMatch(SecretReference::atRuntime) || !password.strip().startsWith("{{")
                    || !password.strip().endsWith("}}")) {
                throw new ConfigurationError("redisPassword must be a secret reference read at deploy time, "
                        + "{{secretsmanager:NAME[:KEY]}}: Quarkus reads QUARKUS_REDIS_PASSWORD itself, and the password "
                        + "must not stand in the template");
            }
            variables.put("QUARKUS_REDIS_PASSWORD", resolved);
        }
    }

    private void elastiCache(Stack stack) {
        vpc = Vpc.Builder.create(stack, "SharedStateVpc")
                .ipAddresses(IpAddresses.cidr("10.42.0.0/16"))
                .maxAzs(2)
                // one NAT gateway: the function's way out to Mistral.ai (and the other upstreams)
                .natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(24).build()))
                .build();
        functionGroup = SecurityGroup.Builder.create(stack, "FunctionSecurityGroup").vpc(vpc)
                .description("the gateway function").allowAllOutbound(true).build();
        SecurityGroup cacheGroup = SecurityGroup.Builder.create(stack, "CacheSecurityGroup").vpc(vpc)
                .description("shared state of the gateway, reached by its function only").allowAllOutbound(false).build();
        cacheGroup.addIngressRule(Peer.securityGroupId(functionGroup.getSecurityGroupId()), Port.tcp(REDIS_PORT),
                "the gateway function");
        List<String> subnets = vpc.selectSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                .build()).getSubnetIds();
        CfnServerlessCache cache = CfnServerlessCache.Builder.create(stack, "SharedState")
                .serverlessCacheName(stack.getStackName().toLowerCase(java.util.Locale.ROOT) + "-state")
                .engine("valkey")
                .majorEngineVersion("8")
                .description("breakers, pauses and rate limits of the Mistral gateway's instances")
                .securityGroupIds(List.of(cacheGroup.getSecurityGroupId()))
                .subnetIds(subnets)
                .build();
        // ElastiCache Serverless is always TLS and speaks the cluster protocol through one endpoint
        variables.put("QUARKUS_REDIS_HOSTS", "rediss://" + cache.getAttrEndpointAddress() + ":" + cache.getAttrEndpointPort());
        variables.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
    }

    /** The function's variables for the shared state (none without it). */
    Map<String, String> variables() {
        return variables;
    }

    /** Puts the function in the cache's VPC, when there is one. */
    Function.Builder applyTo(Function.Builder function) {
        if (vpc == null) {
            return function;
        }
        return function.vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .securityGroups(List.of(functionGroup));
    }

    private static String text(Node node, String key, String otherwise) {
        Object value = node.tryGetContext(key);
        return value == null ? otherwise : value.toString().strip();
    }
}
