package dev.mistralgateway.testing.kong;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;

/**
 * Kong AI Proxy Advanced 3.15's configuration schema as Kong's documentation publishes it
 * ({@code src/test/resources/kong/AiProxyAdvanced-3.15.json}, Apache-2.0, see the NOTICE beside it):
 * a pasted block that fits it is one Kong would take.
 */
public final class Kong315 {

    public static final String RESOURCE = "kong/AiProxyAdvanced-3.15.json";
    private static final YAMLMapper YAML = new YAMLMapper();

    private Kong315() {
    }

    /** Every way the pasted {@code config:} block (YAML or JSON) misses Kong's schema; empty when it fits. */
    public static List<String> violations(String block) {
        try {
            ObjectNode plugin = JsonNodeFactory.instance.objectNode();
            plugin.set("config", YAML.readTree(block));
            return Loaded.SCHEMA.validate(plugin).stream().map(Object::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Loaded {
        /** Draft 7, with Kong's own annotations ({@code x-...}, OpenAPI's {@code nullable}) as no keywords. */
        private static final Dialect DIALECT = Dialect.builder(Dialects.getDraft7())
                .unknownKeywordFactory((keyword, context) -> new NonValidationKeyword(keyword))
                .build();
        private static final Schema SCHEMA;

        static {
            try (InputStream in = Kong315.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the test classpath");
                }
                JsonNode schema = YAML.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                SCHEMA = SchemaRegistry.withDefaultDialect(DIALECT).getSchema(schema);
                SCHEMA.initializeValidators();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
