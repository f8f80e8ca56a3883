package dev.mistralgateway.fleet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.config.GatewayConfig;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The shared state's settings, checked once at start-up: each mistake names its variable. */
class SharedStateSetupTest {

    private static GatewayConfig.SharedStateConfig settings(long responsesTtl) {
        return new GatewayConfig.SharedStateConfig() {
            @Override
            public int deadline() {
                return 50;
            }

            @Override
            public int freshness() {
                return 1000;
            }

            @Override
            public String keyPrefix() {
                return "ai-proxy";
            }

            @Override
            public long responsesTtl() {
                return responsesTtl;
            }
        };
    }

    @Test
    void aNegativeTimeToLiveOfStoredResponsesIsRefusedByItsName() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> SharedStateSetup.validate(settings(-1)));
        assertTrue(refused.getMessage().contains("AI_PROXY_SHARED_STATE_RESPONSES_TTL: must be 0 (store no response)"
                + " or more (seconds a stored response stays), not -1"), refused.getMessage());
    }

    @Test
    void zeroStoresNoResponseAndAnyPositiveNumberIsATimeToLive() {
        assertDoesNotThrow(() -> SharedStateSetup.validate(settings(0)));
        assertDoesNotThrow(() -> SharedStateSetup.validate(settings(86_400)));
    }
}
