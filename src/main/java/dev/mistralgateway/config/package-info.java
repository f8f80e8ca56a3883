/**
 * The raw configuration, exactly as the environment gives it: the {@code ai-proxy} mapping tree
 * ({@link dev.mistralgateway.config.GatewayConfig}), loosely typed on purpose, and the config sources
 * that derive settings from it (a pasted Kong block, Ollama's and OpenTelemetry's switches, the
 * server's body limit). Nothing here judges a value: {@link dev.mistralgateway.validation} does, once.
 */
package dev.mistralgateway.config;
