package dev.mistralgateway.observe;

import dev.mistralgateway.answers.Usage;

/**
 * One finished request, as its statistics line and metrics describe it.
 *
 * @param target the index of the target that gave the answer, or -1 when none was tried
 * @param metricModel the model as a metric dimension: never a string the client made up, since
 *        CloudWatch bills each distinct value as a metric of its own
 * @param usage the token counts, the upstream's own unless {@code estimated}; null when unknown
 * @param requestBody the client's body, or null unless the target logs payloads
 * @param answerBody the answer's body, or null unless the target logs payloads
 * @param clientKey the name of the client key the request carried, or null
 * @param cost what the answer cost by its target's costs ({@code ModelOptions#cost}), 0 without usage, plus a
 *        semantic route's embeddings call
 * @param semantic how a semantic route chose the targets, with its embeddings call; null on other routes
 */
public record RequestReport(
        String requestId,
        String route,
        int target,
        String requestModel,
        String responseModel,
        String metricModel,
        int status,
        int attempts,
        boolean stream,
        long headersMillis,
        long totalMillis,
        Usage usage,
        boolean estimated,
        double cost,
        boolean logStatistics,
        String requestBody,
        String answerBody,
        String clientKey,
        SemanticRouting semantic) {

    /** Time per output token, ms; 0 when there were none. */
    public double timePerToken() {
        return usage == null || usage.completionTokens() == 0 ? 0 : (double) totalMillis / usage.completionTokens();
    }
}
