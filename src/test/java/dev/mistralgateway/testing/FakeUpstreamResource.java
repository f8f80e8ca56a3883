package dev.mistralgateway.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeUpstream} before the gateway, hands it to the test's {@link InjectUpstream}
 * field, and lets a subclass configure routes that point at it.
 */
public abstract class FakeUpstreamResource implements QuarkusTestResourceLifecycleManager {

    private FakeUpstream upstream;

    /** The gateway configuration (property names) for routes served by this upstream. */
    protected abstract Map<String, String> routes(FakeUpstream upstream);

    /** The upstream to start; on a free port unless a subclass needs a given one. */
    protected FakeUpstream newUpstream() {
        return new FakeUpstream();
    }

    @Override
    public final Map<String, String> start() {
        upstream = newUpstream();
        return routes(upstream);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(upstream,
                new TestInjector.AnnotatedAndMatchesType(InjectUpstream.class, FakeUpstream.class));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
