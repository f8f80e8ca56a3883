package dev.mistralgateway.observe.otel;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import java.util.List;

import dev.mistralgateway.route.MistralFormat;
import dev.mistralgateway.route.RouteType;
import dev.mistralgateway.route.Target;
import io.opentelemetry.api.common.AttributeKey;

/**
 * The names of OpenTelemetry's GenAI semantic conventions the gateway writes, and its own beside
 * them ({@code ai_proxy.*}). Spelled out here rather than taken from the conventions' incubating
 * artifact, whose classes are alpha and move between releases.
 */
final class GenAi {

    static final AttributeKey<String> OPERATION = stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = stringKey("gen_ai.response.model");
    static final AttributeKey<Long> MAX_TOKENS = longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = doubleKey("gen_ai.request.temperature");
    static final AttributeKey<List<String>> FINISH_REASONS = stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> RESPONSE_ID = stringKey("gen_ai.response.id");
    static final AttributeKey<Long> INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> TOKEN_TYPE = stringKey("gen_ai.token.type");
    static final AttributeKey<String> INPUT_MESSAGES = stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = stringKey("gen_ai.output.messages");
    static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_METHOD = stringKey("http.request.method");

    /** The gateway's own: which route, which of its targets, which attempt, which request. */
    static final AttributeKey<String> ROUTE = stringKey("ai_proxy.route");
    static final AttributeKey<Long> TARGET = longKey("ai_proxy.target");
    static final AttributeKey<Long> ATTEMPT = longKey("ai_proxy.attempt");
    static final AttributeKey<Long> ATTEMPTS = longKey("ai_proxy.attempts");
    static final AttributeKey<String> REQUEST_ID = stringKey("ai_proxy.request_id");
    static final AttributeKey<Boolean> ESTIMATED = AttributeKey.booleanKey("ai_proxy.usage.estimated");

    /** The conventions' event for an operation's prompts and answers (recorded only with payload logging on). */
    static final String DETAILS_EVENT = "gen_ai.client.inference.operation.details";

    private GenAi() {
    }

    /**
     * The conventions' operation names: {@code chat}, {@code text_completion}, {@code embeddings}; a
     * {@code preserve} route's body is none of them, so its operation is the conventions' catch-all.
     */
    static String operation(RouteType type) {
        return switch (type) {
            case CHAT -> "chat";
            case COMPLETIONS -> "text_completion";
            case EMBEDDINGS -> "embeddings";
            case PRESERVE -> "_OTHER";
        };
    }

    /**
     * {@code mistral_ai} for Mistral's cloud, as the conventions list it. Ollama and other self-hosted
     * servers are not in their list: Ollama by its own name, the conventions' advice for a provider
     * they do not list, and any other server as {@code _OTHER}, since the gateway cannot tell which.
     */
    static String provider(Target target) {
        if (target.format() == MistralFormat.OLLAMA) {
            return "ollama";
        }
        return target.mistralCloud() ? "mistral_ai" : "_OTHER";
    }

    /** The conventions' span name: {@code <operation> <model>}, or the operation alone without a model. */
    static String spanName(String operation, String model) {
        return model == null || model.isEmpty() ? operation : operation + " " + model;
    }
}
