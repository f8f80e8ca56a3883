package dev.mistralgateway.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.request.KongRequestRules;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.testing.EnvFiles;
import dev.mistralgateway.testing.GoldenJson;
import dev.mistralgateway.testing.TestRoutes;
import dev.mistralgateway.testing.mistral.MistralSpec;

/**
 * Each upstream format as the pure translator it is, without Quarkus, over the cases of
 * {@code src/test/resources/golden/formats/} (Kong's unit fixtures where Kong has one, ours beside
 * them; {@code README.md} there says what each file holds). What a Mistral cloud target is sent must
 * pass Mistral's contract as well. A case's stream goes in whole, split in
 * two at every byte, and byte by byte: the client's events are the same every time.
 *
 * <p>
 * A new case starts with the inputs alone: {@code ./mvnw test -Dtest=FormatGoldenTest -Dgolden.write=true}
 * writes each missing expected file from what the translator does today, to be read and committed.
 */
class FormatGoldenTest {

    private static final Path CASES = Path.of("src", "test", "resources", "golden", "formats");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KongRequestRules RULES = new KongRequestRules(JSON);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            List<String> names = dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
            assertFalse(names.isEmpty(), "no case in " + CASES.toAbsolutePath());
            return names.stream();
        }
    }

    private record Case(Path dir, Route route, Target target, Format format, ObjectNode checked) {

        static Case of(String name) throws IOException {
            Path dir = CASES.resolve(name);
            Route route = TestRoutes.fromEnvironment(EnvFiles.read(dir.resolve("route.env"))).get(0);
            Target target = route.targets().get(0);
            ObjectNode checked = RULES.check(route, GoldenJson.bytes(dir, "client.json"));
            return new Case(dir, route, target, new Formats(JSON, CLOCK).of(target.format()), checked);
        }

        ClientRequest request() {
            return RULES.forTarget(route, target, checked);
        }

        ObjectNode upstream() {
            return format.toUpstream(request(), target);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theUpstreamGetsTheGoldenRequest(String name) throws IOException {
        Case c = Case.of(name);
        if (GoldenJson.exists(c.dir(), "refused.txt") || Boolean.getBoolean("golden.write") && refusal(c) != null) {
            String message = refusal(c);
            if (!GoldenJson.exists(c.dir(), "refused.txt")) {
                GoldenJson.write(c.dir(), "refused.txt", message + "\n");
            }
            assertEquals(new String(GoldenJson.bytes(c.dir(), "refused.txt"), StandardCharsets.UTF_8).strip(), message, name);
            return;
        }

        ObjectNode upstream = c.upstream();

        if (c.target().mistralCloud()) {
            // what Mistral's cloud receives must be what its published schema and rules accept
            assertEquals(List.of(),
                    MistralSpec.contract().check(c.target().upstreamUrl().getPath(), JSON.writeValueAsBytes(upstream)),
                    name + ": Mistral's contract");
        }
        GoldenJson.assertMatches(GoldenJson.expected(c.dir(), "upstream.json", upstream), upstream, name);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theClientGetsTheGoldenAnswer(String name) throws IOException {
        Case c = Case.of(name);
        if (!GoldenJson.exists(c.dir(), "answer.upstream.json")) {
            return; // a case without a whole answer (a stream's case)
        }

        Format.Translated answer = c.format().fromUpstream(GoldenJson.bytes(c.dir(), "answer.upstream.json"),
                c.request(), c.target());

        JsonNode client = JSON.readTree(answer.body());
        GoldenJson.assertMatches(GoldenJson.expected(c.dir(), "answer.client.json", client), client, name);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theClientGetsTheGoldenEventsHoweverTheUpstreamSplitsThem(String name) throws IOException {
        Case c = Case.of(name);
        if (!GoldenJson.exists(c.dir(), "stream.upstream.txt")) {
            return; // a case without a stream
        }
        byte[] upstream = GoldenJson.bytes(c.dir(), "stream.upstream.txt");
        String whole = translate(c, List.of(upstream));
        if (!GoldenJson.exists(c.dir(), "stream.client.txt")) {
            GoldenJson.write(c.dir(), "stream.client.txt", whole);
        }
        List<JsonNode> expected = events(new String(GoldenJson.bytes(c.dir(), "stream.client.txt"), StandardCharsets.UTF_8));

        assertEvents(expected, whole, name + ", whole");
        for (int cut = 1; cut < upstream.length; cut++) {
            List<byte[]> pieces = List.of(Arrays.copyOfRange(upstream, 0, cut),
                    Arrays.copyOfRange(upstream, cut, upstream.length));
            assertEvents(expected, translate(c, pieces), name + ", split at byte " + cut);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : upstream) {
            bytes.add(new byte[] { b });
        }
        assertEvents(expected, translate(c, bytes), name + ", byte by byte");
    }

    /** The 400 a case's request gets before anything is sent, or null when it is sent. */
    private static String refusal(Case c) {
        try {
            c.upstream();
            return null;
        } catch (GatewayException refused) {
            assertEquals(400, refused.status(), c.dir() + ": " + refused.getMessage());
            return refused.getMessage();
        }
    }

    private static String translate(Case c, List<byte[]> pieces) {
        StreamTranslator translator = c.format().streamTranslator(c.request(), c.target());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(translator.next(piece));
        }
        out.writeBytes(translator.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The data of each SSE event, as JSON ({@code [DONE]} as a text node). */
    private static List<JsonNode> events(String sse) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            String data = event.substring(event.indexOf("data: ") + "data: ".length()).strip();
            events.add(data.equals("[DONE]") ? JSON.getNodeFactory().textNode(data) : JSON.readTree(data));
        }
        return events;
    }

    private static void assertEvents(List<JsonNode> expected, String sse, String what) throws IOException {
        List<JsonNode> actual = events(sse);
        assertEquals(expected.size(), actual.size(), what + ": events " + sse);
        for (int i = 0; i < expected.size(); i++) {
            GoldenJson.assertMatches(expected.get(i), actual.get(i), what + ", event " + i);
        }
    }
}
