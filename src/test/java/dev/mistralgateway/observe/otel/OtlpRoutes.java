package dev.mistralgateway.observe.otel;

import java.util.HashMap;
import java.util.Map;

import dev.mistralgateway.testing.FakeUpstream;
import dev.mistralgateway.testing.FakeUpstreamResource;
import dev.mistralgateway.testing.GatewaySettings;
import dev.mistralgateway.testing.OtlpReceiver;

/**
 * A test's routes on the fake upstream, with a real OTLP receiver started beside them for as long as
 * the gateway the test starts runs, set to export only when the gateway flushes
 * ({@link OtlpReceiver#onlyFlushedSettings()}).
 */
abstract class OtlpRoutes extends FakeUpstreamResource {

    /** The receiver of the test class running now (each starts its own gateway). */
    static OtlpReceiver receiver;

    protected abstract GatewaySettings gateway(FakeUpstream upstream);

    @Override
    protected final Map<String, String> routes(FakeUpstream upstream) {
        receiver = new OtlpReceiver();
        Map<String, String> settings = new HashMap<>(gateway(upstream).build());
        settings.putAll(receiver.onlyFlushedSettings());
        return settings;
    }

    @Override
    public void stop() {
        super.stop();
        receiver.close();
    }
}
