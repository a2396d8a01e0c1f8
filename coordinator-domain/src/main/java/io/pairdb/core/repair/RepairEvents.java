package io.pairdb.core.repair;

import io.pairdb.core.tenant.TenantId;
import java.util.Optional;

/**
 * What anti-entropy repair reports as it goes; metrics and logs live in an adapter.
 * Thread-safe; never throws.
 */
public interface RepairEvents {
    /** One range of one tenant was compared (and, unless a dry run, repaired), or failed. */
    void rangeDone(TenantId tenant, RangeRepairOutcome outcome, boolean dryRun);

    /**
     * After a run that ended DONE: {@code forgotten} entries of the repair history, which no longer
     * decided any range's age, were deleted; or, with {@code failure}, the store could not be asked
     * (the next run tries again).
     */
    default void historyPruned(int forgotten, Optional<RuntimeException> failure) {
    }

    RepairEvents NONE = (tenant, outcome, dryRun) -> {
    };
}
