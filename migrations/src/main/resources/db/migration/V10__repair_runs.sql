-- Anti-entropy repair runs (issue 19): what each on-demand repair repairs, how far it got, and the
-- coordinator running it under a lease. A run that writes and is RUNNING under a lease that has not
-- run out refuses the topology changes it conflicts with: a change start locks the ring_epoch row and
-- reads this table, a run begins holding the same lock and only with no change IN_PROGRESS.

CREATE TABLE repair_runs (
    run_id           text        PRIMARY KEY,
    -- newest first in listings, also among runs begun within the same millisecond
    seq              bigserial   NOT NULL UNIQUE,
    -- NULL: every tenant; no foreign key, a run's record outlives a deleted tenant
    tenant_id        text,
    -- NULL: every range; otherwise only the ranges this node replicates
    node_id          varchar(64) COLLATE "C",
    dry_run          boolean     NOT NULL,
    state            text        NOT NULL
        CONSTRAINT repair_runs_state_known CHECK (state IN ('RUNNING', 'DONE', 'STOPPED')),
    ring_epoch       bigint      NOT NULL,
    ranges_total     integer     NOT NULL CONSTRAINT repair_runs_total_not_negative CHECK (ranges_total >= 0),
    ranges_done      integer     NOT NULL DEFAULT 0,
    keys_repaired    bigint      NOT NULL DEFAULT 0 CONSTRAINT repair_runs_keys_not_negative CHECK (keys_repaired >= 0),
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    -- the coordinator running it, until its lease runs out (PostgreSQL's clock); cleared when it ends
    lease_owner      text,
    lease_expires_at timestamptz,
    CONSTRAINT repair_runs_done_in_range CHECK (ranges_done BETWEEN 0 AND ranges_total),
    CONSTRAINT repair_runs_lease_complete CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
    CONSTRAINT repair_runs_finished_dated CHECK ((state = 'RUNNING') = (finished_at IS NULL))
);

-- every change start reads the running runs
CREATE INDEX repair_runs_running ON repair_runs (run_id) WHERE state = 'RUNNING';
