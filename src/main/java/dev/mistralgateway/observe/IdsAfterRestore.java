package dev.mistralgateway.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import dev.mistralgateway.answers.Ids;
import io.quarkus.runtime.Startup;

/**
 * Gives the ids of each instance a salt of its own (see {@link Ids}): drawn at start-up, since a
 * native image ran {@code Ids}' static initialiser when it was built, so every binary would share
 * the build's salt; and drawn again after each restore from a SnapStart snapshot, which Lambda
 * does through CRaC, whose hooks run here. The CRaC context keeps its resources weakly, so this
 * bean, which lives as long as the application, holds itself.
 */
@Startup
@ApplicationScoped
public class IdsAfterRestore implements Resource {

    public IdsAfterRestore() {
        Ids.reseed();
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
