-- Per-range progress of repair runs (issue 19): each range a run has compared, recorded as it
-- finishes, so a run whose coordinator died is resumed by another from the first range not recorded
-- here rather than from the start. A range is (range_start, range_end] of the ring at the run's
-- ring_epoch, tokens as signed bigints holding the unsigned 64-bit values.

CREATE TABLE repair_run_ranges (
    run_id      text        NOT NULL REFERENCES repair_runs (run_id) ON DELETE CASCADE,
    tenant_id   text        NOT NULL,
    range_start bigint      NOT NULL,
    range_end   bigint      NOT NULL,
    done_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, tenant_id, range_start, range_end)
);
