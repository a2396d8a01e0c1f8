-- The anti-entropy repair schedule (issue 19): when each tenant's last complete repair began, so a
-- coordinator restart does not reset the clock, and which coordinator has claimed its next one. A
-- claim is a lease timed by PostgreSQL's clock, taken only while the tenant is due, so of several
-- coordinators that find a tenant due exactly one repairs it.

CREATE TABLE repair_schedule (
    -- no foreign key: like repair_runs, the record outlives a deleted tenant and is ignored then
    tenant_id        text        PRIMARY KEY,
    -- when the last repair that compared every range of the tenant began; NULL: never repaired
    last_repaired_at timestamptz,
    claim_owner      text,
    claim_expires_at timestamptz,
    CONSTRAINT repair_schedule_claim_complete CHECK ((claim_owner IS NULL) = (claim_expires_at IS NULL))
);
