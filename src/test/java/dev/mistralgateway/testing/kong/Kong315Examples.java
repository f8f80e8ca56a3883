package dev.mistralgateway.testing.kong;

/**
 * Kong AI Proxy Advanced 3.15 {@code config:} blocks shaped as Kong's own failover and load-balancing
 * examples are (a priority balancer that fails over on 429s and 5xxs with {@code non_idempotent},
 * {@code max_fails} within {@code fail_timeout}, Kong's {@code slots}, {@code model_alias}), pointed at
 * test upstreams. Each is checked against Kong's schema ({@link Kong315}) and served by the gateway.
 */
public final class Kong315Examples {

    private Kong315Examples() {
    }

    /**
     * Two Mistral targets, the first preferred, with the failover criteria given (Kong's examples list
     * {@code error, timeout, http_429, http_500, http_503, non_idempotent}).
     */
    public static String priorityFailover(String criteria, String first, String second) {
        return """
                balancer:
                  algorithm: priority
                  retries: 3
                  failover_criteria: [%s]
                  max_fails: 1
                  fail_timeout: 60000
                  slots: 10000
                  connect_timeout: 2000
                  read_timeout: 5000
                  write_timeout: 5000
                  tokens_count_strategy: total-tokens
                max_request_body_size: 1048576
                model_name_header: true
                response_streaming: allow
                targets:
                - route_type: llm/v1/chat
                  weight: 100
                  auth:
                    header_name: Authorization
                    header_value: Bearer first-key
                  model:
                    provider: mistral
                    name: mistral-small-latest
                    model_alias: fast
                    options:
                      mistral_format: openai
                      upstream_url: "%s"
                      input_cost: 0.1
                      output_cost: 0.3
                  logging:
                    log_statistics: true
                    log_payloads: false
                - route_type: llm/v1/chat
                  weight: 50
                  auth:
                    header_name: Authorization
                    header_value: Bearer second-key
                  model:
                    provider: mistral
                    name: mistral-small-latest
                    model_alias: fast
                    options:
                      mistral_format: openai
                      upstream_url: "%s"
                  logging:
                    log_statistics: true
                    log_payloads: false
                """.formatted(criteria, first, second);
    }

    /** Kong's criteria of its failover example: what errors and timeouts, 429s and 5xxs fail over, POSTs included. */
    public static final String KONG_FAILOVER_CRITERIA = "error, timeout, invalid_header, http_429, http_500, http_503, non_idempotent";

    /**
     * One Mistral cloud target with Kong 3.14's costs: input, output and cache-read (per million
     * tokens), its statistics logged.
     */
    public static String cachedCosts(String url) {
        return """
                targets:
                - route_type: llm/v1/chat
                  auth:
                    header_name: Authorization
                    header_value: Bearer cloud-key
                  model:
                    provider: mistral
                    name: mistral-small-latest
                    options:
                      mistral_format: openai
                      upstream_url: "%s"
                      input_cost: 1.0
                      output_cost: 3.0
                      cache_read_cost: 0.1
                  logging:
                    log_statistics: true
                """.formatted(url);
    }

    /** A Mistral cloud target whose model the request names, by Kong's templates (here its route's regex path). */
    public static String templatedModel(String template, String url) {
        return """
                targets:
                - route_type: llm/v1/chat
                  auth:
                    header_name: Authorization
                    header_value: Bearer cloud-key
                  model:
                    provider: mistral
                    name: "%s"
                    options:
                      mistral_format: openai
                      upstream_url: "%s"
                """.formatted(template, url);
    }
}
