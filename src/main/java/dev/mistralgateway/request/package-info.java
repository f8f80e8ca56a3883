/**
 * The client request's checks and shape before a target is chosen: Kong's request rules as pure
 * functions ({@link dev.mistralgateway.request.KongRequestRules}), the request's shape and ranges, and
 * the fields Mistral's cloud API cannot give ({@link dev.mistralgateway.request.UnsupportedFields}).
 */
package dev.mistralgateway.request;
