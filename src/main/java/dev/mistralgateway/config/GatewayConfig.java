package dev.mistralgateway.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The raw configuration tree, exactly as the environment gives it.
 *
 * <p>
 * Property names keep Kong's AI Proxy Advanced names in kebab-case under the prefix
 * {@code ai-proxy}, so SmallRye's standard environment-variable names are the public contract:
 * {@code ai-proxy.routes[0].targets[0].model.options.mistral-format} is
 * {@code AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT}. Values stay loosely typed
 * (strings, optionals) on purpose: {@link dev.mistralgateway.route.RouteTable} validates them once at start-up and turns
 * them into immutable {@link dev.mistralgateway.route.Route}s with messages that name the variable to fix.
 */
@ConfigMapping(prefix = GatewayConfig.PREFIX)
public interface GatewayConfig {

    String PREFIX = "ai-proxy";

    /** The value of {@code AI_PROXY_MODELS_PATH} that turns the model list off. */
    String MODELS_PATH_OFF = "off";

    /** Every route the function serves; each one is a Kong route with its plugin configuration. */
    List<RouteConfig> routes();

    /** CloudWatch metrics, written as Embedded Metric Format log lines. */
    MetricsConfig metrics();

    /** Limits of what the statistics lines carry. */
    StatisticsConfig statistics();

    /**
     * Longest a request's body may take to arrive, ms, from its head on (408 after, the connection
     * closed): a client sending a byte every few seconds cannot hold a connection and its memory.
     */
    @WithDefault("60000")
    long requestBodyTimeout();

    /** What the gateway reads from upstreams, and what its 502/504s tell clients of them. */
    UpstreamConfig upstream();

    /** Where {@code {{aws-secret:...}}} and {@code {{aws-ssm:...}}} references are resolved. */
    SecretsConfig secrets();

    /** The fleet's shared state in Redis (when {@code QUARKUS_REDIS_HOSTS} names one). */
    SharedStateConfig sharedState();

    /**
     * Where {@code GET} lists the models the routes serve, in OpenAI's shape; {@code off} turns the
     * list off (an empty value counts as unset in Quarkus's configuration, so it keeps the default).
     */
    @WithDefault("/v1/models")
    String modelsPath();

    /**
     * How the API in front of the function authenticates callers: {@code none}, {@code iam} (SigV4)
     * or {@code jwt}; infra sets it. Both of the latter use the {@code Authorization} header, which
     * client keys then cannot share, and both close the routes, so no route is "open".
     */
    @WithDefault("none")
    String frontDoorAuth();

    interface SecretsConfig {
        /** The AWS Parameters and Secrets Lambda Extension's local endpoint. */
        @WithDefault("http://localhost:${PARAMETERS_SECRETS_EXTENSION_HTTP_PORT:2773}")
        String endpoint();

        /** How long a resolved value is used before it is fetched again (in the background). */
        @WithDefault("PT5M")
        java.time.Duration ttl();

        /** The extension wants the function's session token in every call. */
        @WithDefault("${AWS_SESSION_TOKEN:none}")
        String token();
    }

    interface SharedStateConfig {
        /** How long a request waits for Redis at most, in ms, before it goes on with this instance's state. */
        @WithDefault("50")
        int deadline();

        /** How old the copy of the fleet's breakers, pauses and balancer measures that picks read may be, in ms. */
        @WithDefault("1000")
        int freshness();

        /** The start of every key, so that several gateways can share one Redis. */
        @WithDefault("ai-proxy")
        String keyPrefix();

        /** How long a stored response (Responses API, {@code store}) stays, in seconds; 0 stores none. */
        @WithDefault("86400")
        long responsesTtl();
    }

    /** One rate limit, loosely typed: {@code ratelimit.RateLimitTable} reads and validates it. */
    interface RateLimitConfig {
        Optional<String> limit();

        /** Seconds. */
        Optional<String> windowSize();

        @WithDefault("requests")
        String counts();

        @WithDefault("route")
        String per();
    }

    interface MetricsConfig {
        /** On by default: a deployed function wants its metrics; the off switch is AI_PROXY_METRICS_ENABLED=false. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("MistralGateway")
        String namespace();

        /** The longest a Lambda invocation waits for its spans and metrics to be exported (observe/otel), ms. */
        @WithDefault("2000")
        int otelFlushTimeout();
    }

    interface StatisticsConfig {
        /** Request and answer bodies in a statistics line are cut after this many bytes (log_payloads). */
        @WithDefault("4096")
        int maxPayloadBytes();
    }

    interface UpstreamConfig {
        /**
         * Whether a 502/504's message names the upstream's host:port and the variable to fix: right for
         * whoever runs dev mode (on there, and in tests), wrong for a public function (off in packaged
         * builds: the client gets the kind of failure and its request id, the log the rest).
         */
        @WithDefault("false")
        boolean errorDetail();

        /** The most bytes of a whole answer (and of an error answer) read from an upstream; 502 past it. */
        @WithDefault("16777216")
        long maxAnswerBytes();

        /** The most bytes one event (SSE event, NDJSON line) of a stream may hold; the stream fails past it. */
        @WithDefault("1048576")
        long maxEventBytes();
    }

    interface RouteConfig {
        Optional<String> name();

        /** Kong's {@code llm_format}: the API the route's clients speak, {@code openai} (the default) or {@code anthropic}. */
        Optional<String> llmFormat();

        /** Rate limits and budgets of the route (ratelimit.RateLimitTable validates them); several may apply. */
        List<RateLimitConfig> rateLimits();

        /** Names of the client keys, in the order of their digests, for logs, statistics and rate limits. */
        Optional<List<String>> clientAuthKeyNames();

        /** Exact request paths, e.g. {@code /mistral-chat}; comma-separated in the environment. */
        Optional<List<String>> paths();

        @WithDefault("allow")
        String responseStreaming();

        /** Kong's default since 3.13, 1 MiB; 0 means no limit of ours (the platform's own limit still applies). */
        @WithDefault("1048576")
        long maxRequestBodySize();

        @WithDefault("true")
        boolean modelNameHeader();

        /**
         * SHA-256 digests (hex) of the client keys this route accepts; none means the route is open
         * to whoever can reach it.
         */
        Optional<List<String>> clientAuthKeySha256();

        /** Where clients send their key: {@code Authorization} takes {@code Bearer <key>}, any other header the bare key. */
        @WithDefault("Authorization")
        String clientAuthHeader();

        /** Most messages a chat request may hold. */
        @WithDefault("1000")
        int maxMessages();

        /**
         * Longest a streamed answer may run, in seconds, before the gateway cancels the upstream call
         * and ends the stream with an error event; 0, the default, sets no limit. Behind a streaming
         * Lambda, keep it below the function's timeout so the client learns why the stream ended.
         */
        @WithDefault("0")
        int maxStreamSeconds();

        /**
         * Most output tokens a streamed answer may carry before the gateway cancels the upstream call
         * and ends the stream with an error event; 0, the default, sets no limit.
         */
        @WithDefault("0")
        long maxStreamTokens();

        /**
         * A Kong plugin {@code config:} block (YAML or JSON) pasted whole. {@link KongConfigSource}
         * spreads it into the properties of this route; it is declared here so it is documented
         * and visible to the validator.
         */
        Optional<String> config();

        BalancerConfig balancer();

        /** Kong's embeddings model of the {@code semantic} algorithm. */
        SemanticConfig.Embeddings embeddings();

        /** Kong's vectordb settings of the {@code semantic} algorithm (distances; the vectors stay in memory). */
        SemanticConfig.Vectordb vectordb();

        List<TargetConfig> targets();
    }

    interface BalancerConfig {
        @WithDefault("round-robin")
        String algorithm();

        /** Further attempts on other targets after a failed one. */
        @WithDefault("5")
        int retries();

        @WithDefault("error,timeout")
        List<String> failoverCriteria();

        @WithDefault("X-Request-Id")
        String hashOnHeader();

        @WithDefault("tpot")
        String latencyStrategy();

        @WithDefault("total-tokens")
        String tokensCountStrategy();

        /** Failures in a row that take a target out; 0 (the default, as in Kong) turns the circuit breaker off. */
        @WithDefault("0")
        int maxFails();

        /** How long a target stays out after max_fails failures, in ms; then one trial request. */
        @WithDefault("10000")
        int failTimeout();

        @WithDefault("60000")
        int connectTimeout();

        @WithDefault("60000")
        int readTimeout();

        @WithDefault("60000")
        int writeTimeout();

        /**
         * Kong's hash ring size, which has no meaning here (the ring is sized by the targets): accepted, and logged as such.
         */
        Optional<String> slots();
    }
}
