package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The fleet's shared state: none by default, an existing Redis, or an ElastiCache Serverless cache in a VPC. */
class SharedStateTest {

    @TempDir
    Path dir;

    @Test
    void withoutContextThereIsNoRedisAndNoVpc() {
        Template t = new Synth(dir).template();
        t.resourceCountIs("AWS::ElastiCache::ServerlessCache", 0);
        t.resourceCountIs("AWS::EC2::VPC", 0);
        assertFalse(Synth.variables(t).containsKey("QUARKUS_REDIS_HOSTS"));
    }

    @Test
    void anExistingRedisWithItsPasswordAsADeployTimeSecretReference() {
        Template t = new Synth(dir).context("redisUrl", "rediss://eu1-able-cat-12345.upstash.io:6379")
                .context("redisPassword", "{{secretsmanager:gateway/redis:password}}").template();
        Map<String, Object> variables = Synth.variables(t);
        assertEquals("rediss://eu1-able-cat-12345.upstash.io:6379", variables.get("QUARKUS_REDIS_HOSTS"));
        assertEquals("{{resolve:secretsmanager:gateway/redis:SecretString:password}}", variables.get("QUARKUS_REDIS_PASSWORD"));
        t.resourceCountIs("AWS::EC2::VPC", 0);
    }

    @Test
    void elastiCacheCreatesAServerlessValkeyCacheOnlyTheFunctionReaches() {
        Template t = new Synth(dir).context("sharedState", "elasticache").template();
        t.hasResourceProperties("AWS::ElastiCache::ServerlessCache", Map.of("Engine", "valkey",
                "MajorEngineVersion", "8", "SubnetIds", Match.anyValue(), "SecurityGroupIds", Match.anyValue()));
        t.resourceCountIs("AWS::EC2::VPC", 1);
        t.resourceCountIs("AWS::EC2::NatGateway", 1);
        // the cache's group lets in the function's group on 6379, and nothing else
        t.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("GroupDescription",
                "shared state of the gateway, reached by its function only", "SecurityGroupIngress", List.of(Map.of(
                        "IpProtocol", "tcp", "FromPort", 6379, "ToPort", 6379, "Description", "the gateway function",
                        "SourceSecurityGroupId", Map.of("Fn::GetAtt",
                                List.of(Match.stringLikeRegexp("FunctionSecurityGroup.*"), "GroupId"))))));
        // the function runs in the private subnets, with its own group
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("VpcConfig", Map.of(
                "SecurityGroupIds",
                List.of(Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("FunctionSecurityGroup.*"), "GroupId"))),
                "SubnetIds", Match.anyValue())));
        String json = Synth.json(t);
        assertTrue(json.contains("\"QUARKUS_REDIS_HOSTS\":{\"Fn::Join\":[\"\",[\"rediss://\""), "TLS, on the cache's endpoint");
        assertEquals("cluster", Synth.variables(t).get("QUARKUS_REDIS_CLIENT_TYPE"));
        assertEquals(List.of(), Synth.validationViolations(dir));
    }

    @Test
    void mistakesAreRefusedWithWhatToSet() {
        var plain = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("redisUrl", "rediss://h:6379")
                .context("redisPassword", "hunter2").stack());
        assertTrue(plain.getMessage().startsWith("redisPassword must be a secret reference read at deploy time"),
                plain.getMessage());
        assertFalse(plain.getMessage().contains("hunter2"));
        var inUrl = assertThrows(IllegalArgumentException.class, () -> new Synth(dir)
                .context("redisUrl", "rediss://default:hunter2@h:6379").stack());
        assertFalse(inUrl.getMessage().contains("hunter2"), inUrl.getMessage());
        var both = assertThrows(IllegalArgumentException.class, () -> new Synth(dir).context("sharedState", "elasticache")
                .context("redisUrl", "rediss://h:6379").stack());
        assertTrue(both.getMessage().startsWith("sharedState=elasticache creates its own cache"), both.getMessage());
        var kind = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir).context("sharedState", "memcached").stack());
        assertTrue(kind.getMessage().startsWith("sharedState must be none or elasticache"), kind.getMessage());
    }
}
