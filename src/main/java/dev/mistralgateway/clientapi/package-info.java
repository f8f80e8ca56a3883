/**
 * The APIs clients speak to the gateway, each a pure translator to and from the chat form the
 * targets take ({@link dev.mistralgateway.clientapi.ClientApi}), one package each: {@code chat}
 * (OpenAI's chat, completions and embeddings, the identity), {@code responses} (OpenAI's Responses
 * API). The proxy composes them with the upstream formats' translators.
 */
package dev.mistralgateway.clientapi;
