/**
 * The start-up rules that turn the raw configuration into routes: every problem collected and
 * reported at once, each naming the environment variable to fix, so a misconfigured function fails
 * to start rather than answer wrongly.
 */
package dev.mistralgateway.validation;
