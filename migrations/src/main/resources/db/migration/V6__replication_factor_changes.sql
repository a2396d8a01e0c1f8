-- Replication factor changes (issue 7): raising a tenant's RF is a topology change that streams
-- the tenant's data to its new replicas before reads use the new RF. Meanwhile the tenant has a
-- pending RF: writes already reach the replicas of that RF.

ALTER TABLE tenants ADD COLUMN pending_replication_factor integer
    CONSTRAINT tenants_pending_rf_raises CHECK (pending_replication_factor > replication_factor);

COMMENT ON COLUMN tenants.pending_replication_factor IS
    'Set while a CHANGE_RF change raising the RF is in progress: the RF writes use (reads use '
    'replication_factor). Set and cleared together with that change and an epoch bump.';

-- a CHANGE_RF change names its tenant and its factors in progress.replication:
-- {"replication": {"from": n, "to": n}, "streams": [...] (as V4)}
COMMENT ON COLUMN pending_changes.tenant_id IS 'The tenant of a CHANGE_RF change; NULL for node changes.';

-- changes of one tenant's RF are serialised like changes of one node
CREATE UNIQUE INDEX pending_changes_one_in_progress_per_tenant
    ON pending_changes (tenant_id) WHERE status = 'IN_PROGRESS';
