package dev.mistralgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mistralgateway.error.GatewayException;

/** Where a preserve target's request goes, one row per case. */
class PreservedUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // target | client path | below | client query | upstream URL
            "http://up:8080 | /v1/files/f-1/content | /f-1/content | null | http://up:8080/v1/files/f-1/content",
            "http://up:8080/ | /v1/files | '' | purpose=batch | http://up:8080/v1/files?purpose=batch",
            "http://up/v1/files | /mistral/files/f-1 | /f-1 | null | http://up/v1/files/f-1",
            "http://up/v1/files | /mistral/files/ | / | null | http://up/v1/files",
            "http://up/v1/ocr?v=2 | /ocr | '' | a=1 | http://up/v1/ocr?v=2&a=1",
            "http://up/v1/files | /f | '' | search=a%20b&x | http://up/v1/files?search=a+b&x",
            "http://up/v1/files | /f | '' | key=mine&page=0 | http://up/v1/files?page=0",
            "http://up/v1/files | /f | '' | &&page=0& | http://up/v1/files?page=0",
    })
    void buildsTheUpstreamUrl(String target, String path, String below, String query, String expected) {
        assertEquals(URI.create(expected), PreservedUrl.of(URI.create(target), path, below, query, Optional.of("key")));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/a/../b", "/..", "/.", "/a b", "//a", "/a/%2e%2e", "/a\\b", "/a?b" })
    void refusesASubPathThatCouldReachAnotherOperation(String below) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> PreservedUrl.of(URI.create("http://up/v1/files"), "/f" + below, below, null, Optional.empty()));
        assertEquals(400, refused.status());
    }

    @ParameterizedTest
    @ValueSource(strings = { "a=%zz", "%" })
    void refusesAMalformedQuery(String query) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> PreservedUrl.of(URI.create("http://up/v1/files"), "/f", "", query, Optional.empty()));
        assertEquals(400, refused.status());
    }
}
