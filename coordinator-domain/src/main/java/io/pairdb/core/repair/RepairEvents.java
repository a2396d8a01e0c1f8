package io.pairdb.core.repair;

import io.pairdb.core.tenant.TenantId;

/**
 * What anti-entropy repair reports as it goes; metrics and logs live in an adapter.
 * Thread-safe; never throws.
 */
public interface RepairEvents {
    /** One range of one tenant was compared (and, unless a dry run, repaired), or failed. */
    void rangeDone(TenantId tenant, RangeRepairOutcome outcome, boolean dryRun);

    RepairEvents NONE = (tenant, outcome, dryRun) -> {
    };
}
