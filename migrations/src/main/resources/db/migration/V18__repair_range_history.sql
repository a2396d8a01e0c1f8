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
