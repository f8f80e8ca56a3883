package dev.mistralgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.core.http.RequestOptions;

/** The upstream's address is set from the parsed URI as Vert.x sets it from the URL's text. */
class RequestOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:18901/v1/chat/completions",
            "https://api.mistral.ai/v1/chat/completions",
            "HTTPS://Api.Mistral.AI/v1/fim/completions",
            "http://localhost:11434",
            "http://localhost:11434?key=a%20b&x=1",
            "https://host.example/v1/chat?key=s%2Bk#part",
            "http://user:pw@[::1]:8080/a/b%2Fc",
            "http://my_service:8000/v1/chat/completions" })
    void hostPortSslAndPathAreVertxsOwn(String url) {
        RequestOptions vertx = new RequestOptions().setAbsoluteURI(url);
        RequestOptions ours = UpstreamClient.at(new RequestOptions(), URI.create(url));
        assertEquals(vertx.getHost(), ours.getHost());
        assertEquals(vertx.getPort(), ours.getPort());
        assertEquals(vertx.isSsl(), ours.isSsl());
        assertEquals(vertx.getURI(), ours.getURI());
    }
}
