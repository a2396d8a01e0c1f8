-- An RF lowering (r -> r') now keeps its target as the tenant's pending RF while it runs, as a raise
-- does: a quorum write then also waits for a quorum of the r' replicas kept, so nothing acknowledged
-- is missing there when reads switch to r'. The pending RF may now be lower than the current one.

ALTER TABLE tenants DROP CONSTRAINT tenants_pending_rf_raises;
ALTER TABLE tenants ADD CONSTRAINT tenants_pending_rf_differs
    CHECK (pending_replication_factor >= 1 AND pending_replication_factor <> replication_factor);

COMMENT ON COLUMN tenants.pending_replication_factor IS
    'Set while a CHANGE_RF change is in progress: the RF it moves to. Raising: writes use it (reads use '
    'replication_factor). Lowering: reads and writes use replication_factor, and quorum writes also wait '
    'for a quorum of the replicas kept at this RF. Set and cleared together with that change and an epoch bump.';
