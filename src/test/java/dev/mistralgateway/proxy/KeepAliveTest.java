package dev.mistralgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The keep-alive events of a slow stream, and a stream that ends as soon as its events end. */
class KeepAliveTest {

    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aSilentStretchOfTheStreamGetsPingsAndTheStreamStillEndsWithItsLastEvent() {
        Multi<byte[]> slow = Multi.createFrom().items("first", "last").onItem()
                .call(item -> Uni.createFrom().voidItem()
                        .onItem().delayIt().by(Duration.ofMillis(item.equals("last") ? 350 : 1)))
                .map(item -> item.getBytes(StandardCharsets.US_ASCII));

        List<String> got = KeepAlive.of(slow, PING, Duration.ofMillis(100)).map(String::new)
                .collect().asList().await().atMost(Duration.ofSeconds(5));

        assertEquals("first", got.get(0));
        assertEquals("last", got.get(got.size() - 1));
        long pings = got.stream().filter("ping"::equals).count();
        assertTrue(pings >= 1 && pings == got.size() - 2, got::toString);
    }

    @Test
    void aStreamThatEndsAtOnceGetsNoPingAndAnApiWithoutOneItsStreamAsItIs() {
        Multi<byte[]> quick = Multi.createFrom().items("a".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("a"), KeepAlive.of(quick, PING, Duration.ofSeconds(30)).map(String::new)
                .collect().asList().await().atMost(Duration.ofSeconds(5)));
        assertSame(quick, KeepAlive.of(quick, new byte[0], Duration.ofSeconds(30)));
    }
}
