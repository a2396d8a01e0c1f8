-- The repair history (issue 19): for each range a repair made equal on all its replicas, as of when
-- its comparison began, the latest such time. Ranges are those of the ring when they were repaired,
-- (range_start, range_end] as in repair_run_ranges; today's ranges take the age of the oldest part of
-- them any row covers, so rows of earlier rings stay meaningful after a topology change. The schedule
-- and the oldest-unrepaired-range metric read it; a row is written in the same transaction as the
-- range's repair_run_ranges row. No foreign key: like repair_schedule, rows outlive a deleted tenant
-- and are ignored for a tenant created after them.

CREATE TABLE repair_range_history (
    tenant_id      text        NOT NULL,
    range_start    bigint      NOT NULL,
    range_end      bigint      NOT NULL,
    repaired_as_of timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, range_start, range_end)
);

-- A tenant's last complete repair before this migration covered its whole ring: it carries over as a
-- whole-ring row (start = end), so an upgrade neither makes every tenant due at once nor the age
-- metric jump to the tenants' ages.
INSERT INTO repair_range_history (tenant_id, range_start, range_end, repaired_as_of)
SELECT tenant_id, 0, 0, last_repaired_at FROM repair_schedule WHERE last_repaired_at IS NOT NULL;
