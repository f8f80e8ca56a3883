/**
 * Framing of streamed bodies, independent of any format: reading Server-Sent Events and
 * newline-delimited JSON that arrive split at arbitrary points across network reads, and writing
 * the client's SSE events.
 */
package dev.mistralgateway.stream;
