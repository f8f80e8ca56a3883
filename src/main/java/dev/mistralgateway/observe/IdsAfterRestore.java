package dev.mistralgateway.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import dev.mistralgateway.openai.Ids;
import io.quarkus.runtime.Startup;

/**
 * Gives the ids of each instance restored from a SnapStart snapshot a salt of its own (see
 * {@link Ids}): Lambda restores snapshots through CRaC, whose hooks run here. The CRaC context
 * keeps its resources weakly, so this bean, which lives as long as the application, holds itself.
 */
@Startup
@ApplicationScoped
public class IdsAfterRestore implements Resource {

    public IdsAfterRestore() {
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // nothing to close: ids hold no resources
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        Ids.reseed();
    }
}
