package dev.mistralgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Routes are named with one leading slash, whatever the client or the router hands over. */
class LeadingSlashTest {

    @Test
    void anyNumberOfLeadingSlashesBecomesOne() {
        assertEquals("/mistral-chat", GatewayEntry.withOneLeadingSlash("mistral-chat"));
        assertEquals("/mistral-chat", GatewayEntry.withOneLeadingSlash("/mistral-chat"));
        assertEquals("/mistral-chat", GatewayEntry.withOneLeadingSlash("///mistral-chat"));
        assertEquals("/v1/chat//completions", GatewayEntry.withOneLeadingSlash("//v1/chat//completions"));
        assertEquals("/", GatewayEntry.withOneLeadingSlash(""));
        assertEquals("/", GatewayEntry.withOneLeadingSlash("//"));
    }
}
