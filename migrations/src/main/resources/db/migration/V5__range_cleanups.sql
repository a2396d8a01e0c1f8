-- Cleanup after topology changes (issue 7): the ranges a change makes nodes stop replicating,
-- stored with the change when it starts; each is deleted from its former owner once the change
-- is COMPLETED and its grace period is over (or the cleanup was forced), and its outcome kept.

CREATE TABLE range_cleanups (
    change_id        text        NOT NULL REFERENCES pending_changes (change_id) ON DELETE CASCADE,
    -- position in the change's plan
    release_index    integer     NOT NULL CONSTRAINT range_cleanups_index_positive CHECK (release_index >= 0),
    -- the range (start, end]: unsigned 64-bit tokens stored as their two's-complement bits
    start_token      bigint      NOT NULL,
    end_token        bigint      NOT NULL,
    -- the former owner; no foreign key: a node row is replaced when a node id that LEFT is added again
    node_id          varchar(64) COLLATE "C" NOT NULL,
    replication_factors integer[] NOT NULL,
    -- NULL: every tenant
    tenant_ids       text[],
    outcome          text        NOT NULL DEFAULT 'PENDING'
        CONSTRAINT range_cleanups_outcome_known CHECK (outcome IN ('PENDING', 'DELETED', 'SKIPPED', 'KEPT')),
    keys_deleted     bigint,
    -- why a range was SKIPPED (tried again at the next run) or KEPT
    reason           text,
    outcome_at       timestamptz,
    attempts         integer     NOT NULL DEFAULT 0,
    last_attempt_at  timestamptz,
    -- the coordinator working on the range, until its claim runs out (PostgreSQL's clock)
    claimed_by       text,
    claim_expires_at timestamptz,
    PRIMARY KEY (change_id, release_index),
    CONSTRAINT range_cleanups_claim_complete CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL)),
    CONSTRAINT range_cleanups_outcome_dated CHECK ((outcome = 'PENDING') = (outcome_at IS NULL))
);

-- the cleanup runs look for ranges still to do
CREATE INDEX range_cleanups_open ON range_cleanups (change_id, release_index) WHERE outcome IN ('PENDING', 'SKIPPED');

-- pairdb-admin cleanup force: who asked, when and why, kept with the change for audit
CREATE TABLE forced_cleanups (
    change_id    text        PRIMARY KEY REFERENCES pending_changes (change_id) ON DELETE CASCADE,
    reason       text        NOT NULL CONSTRAINT forced_cleanups_reason_given CHECK (btrim(reason) <> ''),
    requested_by text        NOT NULL,
    forced_at    timestamptz NOT NULL
);
