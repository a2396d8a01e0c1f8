-- Speculative reads (issue 20): a tenant may say when the read before one of its writes asks a
-- spare replica, instead of the coordinator's pairdb.coordinator.speculation.

ALTER TABLE tenants ADD COLUMN speculation text;

COMMENT ON COLUMN tenants.speculation IS
    'When the read before a write of this tenant asks a spare replica: pN (a percentile of the asked '
    'replicas'' recent latency), a time (250ms), or both (p99,250ms: the lesser). NULL: the coordinator''s default.';
