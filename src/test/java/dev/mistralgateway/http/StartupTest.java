package dev.mistralgateway.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.proxy.Proxy;
import dev.mistralgateway.testing.UpstreamResource;
import dev.mistralgateway.upstream.UpstreamClient;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableBean;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What start-up builds before the first request arrives (and before a SnapStart snapshot is
 * taken): the routes' upstream clients and the proxy with its balancer pools, not the first
 * request, which would pay for them.
 */
@QuarkusTest
@QuarkusTestResource(value = UpstreamResource.class, restrictToAnnotatedClass = true)
class StartupTest {

    @Test
    void theUpstreamClientsAndTheProxyAreBuiltAtStartUp() {
        for (Class<?> type : List.of(UpstreamClient.class, Proxy.class)) {
            InjectableBean<?> bean = Arc.container().instance(type).getBean();
            // get() without a creational context answers the existing instance only, and never makes one
            // (in the context of the bean's own scope: @Singleton since the C1 work, @ApplicationScoped before)
            assertNotNull(Arc.container().getActiveContext(bean.getScope()).get(bean),
                    type.getSimpleName() + " is built on the first request, not at start-up");
        }
    }
}
