package dev.mistralgateway.semantic;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mistralgateway.answers.Usage;
import dev.mistralgateway.error.GatewayException;
import dev.mistralgateway.format.Format;
import dev.mistralgateway.format.Formats;
import dev.mistralgateway.request.ClientRequest;
import dev.mistralgateway.route.Route;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import dev.mistralgateway.security.AwsSecrets;
import dev.mistralgateway.upstream.UpstreamAuth;
import dev.mistralgateway.upstream.UpstreamClient;
import dev.mistralgateway.upstream.UpstreamRequest;
import io.smallrye.mutiny.Uni;

/**
 * Embeds texts with a semantic route's embeddings model: the request is an OpenAI embeddings request
 * that the model's format translates (Mistral's cloud or an OpenAI-compatible server, or Ollama's
 * {@code /api/embed}), sent through the route's upstream client with its timeouts. The I/O lives
 * here, beside the pure translators it uses.
 */
final class Embedder {

    /** The vectors, in the order of the texts, and what the call took. */
    record Embedded(List<double[]> vectors, Usage usage, int status, long millis) {
    }

    /** The embeddings upstream answered, but not with vectors: its status (0 when it answered 200). */
    static final class Failed extends GatewayException {
        Failed(int status, String message) {
            super(status == 0 ? 502 : status, message);
        }
    }

    private final ObjectMapper mapper;
    private final Formats formats;
    private final UpstreamClient upstream;
    private final AwsSecrets secrets;

    Embedder(ObjectMapper mapper, Formats formats, UpstreamClient upstream, AwsSecrets secrets) {
        this.mapper = mapper;
        this.formats = formats;
        this.upstream = upstream;
        this.secrets = secrets;
    }

    /**
     * @param dimensions the vectors' length asked for, and checked
     * @return fails with a {@link GatewayException}: the upstream's status when it answered another,
     *         502/504 when it could not be reached or answered no vectors of the right length
     */
    Uni<Embedded> embed(Route route, Target model, List<String> texts, OptionalInt dimensions, String requestId) {
        long start = System.nanoTime();
        Format format = formats.of(model.format());
        ObjectNode body = mapper.createObjectNode();
        body.put("model", model.modelName().orElseThrow());
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        dimensions.ifPresent(length -> body.put("dimensions", length));
        ClientRequest request = new ClientRequest(body, RouteType.EMBEDDINGS, model.modelName().get(), false);
        ObjectNode upstreamBody = format.toUpstream(request, model);
        Map<String, String> headers = new LinkedHashMap<>();
        secrets.freshen(model);
        URI url = UpstreamAuth.apply(model.auth(), name -> null, Map.of(), model.upstreamUrl(), headers, upstreamBody);
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(upstreamBody);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        return upstream.post(route, new UpstreamRequest(url, headers, bytes, requestId)).map(response -> {
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (response.status() != 200) {
                throw new Failed(response.status(), "the embeddings upstream answered " + response.status());
            }
            Format.Translated translated = format.fromUpstream(response.body(), request, model);
            return new Embedded(vectors(translated.body(), texts.size(), dimensions), translated.usage(), 200, millis);
        });
    }

    /** OpenAI's list (the translators' answer) as vectors, one a text, of the same length each. */
    private List<double[]> vectors(byte[] list, int count, OptionalInt dimensions) {
        JsonNode data;
        try {
            data = mapper.readTree(list).path("data");
        } catch (IOException e) {
            throw new Failed(0, "the embeddings answer is not JSON");
        }
        List<double[]> vectors = new ArrayList<>(count);
        for (JsonNode item : data) {
            JsonNode embedding = item.path("embedding");
            if (!embedding.isArray() || embedding.isEmpty()) {
                throw new Failed(0, "the embeddings answer holds an item without a vector of numbers");
            }
            double[] vector = new double[embedding.size()];
            for (int i = 0; i < vector.length; i++) {
                if (!embedding.get(i).isNumber()) {
                    throw new Failed(0, "the embeddings answer holds an item without a vector of numbers");
                }
                vector[i] = embedding.get(i).doubleValue();
            }
            int expected = dimensions.orElse(vectors.isEmpty() ? vector.length : vectors.get(0).length);
            if (vector.length != expected) {
                throw new Failed(0, "the embeddings answer holds vectors of " + vector.length + " dimensions, not "
                        + expected);
            }
            vectors.add(vector);
        }
        if (vectors.size() != count) {
            throw new Failed(0, "the embeddings answer holds " + vectors.size() + " vectors for " + count + " texts");
        }
        return vectors;
    }
}
