package dev.mistralgateway.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.mistralgateway.observe.IdsAfterRestore;

/** Ids in the forms clients and Mistral take, and distinct across instances restored from one snapshot. */
class IdsTest {

    @Test
    void aRestoreFromASnapshotDrawsANewSalt() {
        long before = Ids.salt();
        new IdsAfterRestore().afterRestore(null);
        assertNotEquals(before, Ids.salt(), "every restored instance mixes a salt of its own into its ids");
    }

    @Test
    void idsHaveTheirForms() {
        assertTrue(Ids.next("chatcmpl-").matches("chatcmpl-[0-9a-f]{24}"));
        assertTrue(Ids.toolCall().matches("[a-zA-Z0-9]{9}"));
        assertEquals("D681PevKs", Ids.mistralToolCallId("D681PevKs"));
        assertEquals(Ids.mistralToolCallId("call_Xy7PqL2mN8vR4tK9wB3zD1aF"),
                Ids.mistralToolCallId("call_Xy7PqL2mN8vR4tK9wB3zD1aF"));
        assertTrue(Ids.isMistralToolCallId(Ids.mistralToolCallId("call_Xy7PqL2mN8vR4tK9wB3zD1aF")));
    }
}
