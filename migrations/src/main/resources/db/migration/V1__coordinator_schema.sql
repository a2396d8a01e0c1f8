-- The coordinator's shared state. Coordinators are stateless and share only PostgreSQL and
-- Redis, so everything one coordinator relies on that another may need lives here.
-- CHECKs mirror the domain's validation so a bug or a hand-written row cannot store what the
-- code would refuse to load; policy limits that are configurable (the RF maximum) stay out.
-- Identifiers use the "C" collation: they sort the way the code compares them (byte order),
-- whatever locale the server was initialised with.

CREATE TABLE tenants (
    tenant_id          varchar(64) COLLATE "C" PRIMARY KEY
        CONSTRAINT tenants_id_format CHECK (tenant_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    -- only the lower bound: the maximum RF is the service's configurable policy
    replication_factor integer     NOT NULL
        CONSTRAINT tenants_rf_positive CHECK (replication_factor >= 1),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    -- optimistic locking: updates say which version they replace
    version            bigint      NOT NULL
);

CREATE TABLE storage_nodes (
    node_id       varchar(64) COLLATE "C" PRIMARY KEY
        CONSTRAINT storage_nodes_id_format CHECK (node_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    host          text        NOT NULL
        CONSTRAINT storage_nodes_host_not_blank CHECK (btrim(host) <> ''),
    port          integer     NOT NULL
        CONSTRAINT storage_nodes_port_range CHECK (port BETWEEN 1 AND 65535),
    virtual_nodes integer     NOT NULL
        CONSTRAINT storage_nodes_vnodes_positive CHECK (virtual_nodes >= 1),
    -- ring membership; LEFT rows stay for audit, so nodes are never deleted
    state         text        NOT NULL
        CONSTRAINT storage_nodes_state_known CHECK (state IN ('NORMAL', 'BOOTSTRAPPING', 'LEAVING', 'LEFT')),
    -- last observed liveness; separate from state because a DOWN node keeps its ranges
    liveness      text        NOT NULL
        CONSTRAINT storage_nodes_liveness_known CHECK (liveness IN ('UP', 'DOWN')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- One row: the version of ring membership. Bumped in the same transaction as the membership
-- change it stands for, so a reader never sees an epoch with the wrong set of nodes.
CREATE TABLE ring_epoch (
    id    boolean PRIMARY KEY DEFAULT true
        CONSTRAINT ring_epoch_single_row CHECK (id),
    epoch bigint  NOT NULL
        CONSTRAINT ring_epoch_not_negative CHECK (epoch >= 0)
);

INSERT INTO ring_epoch (id, epoch) VALUES (true, 0);

-- Coordinators LISTEN on pairdb_ring_epoch instead of polling tightly. A trigger rather than
-- application code sends it, so no path that bumps the epoch can forget to; NOTIFY is
-- transactional, so listeners hear of an epoch only once its membership is committed.
CREATE FUNCTION notify_ring_epoch() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('pairdb_ring_epoch', NEW.epoch::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER ring_epoch_notify
    AFTER UPDATE OF epoch ON ring_epoch
    FOR EACH ROW
    WHEN (NEW.epoch IS DISTINCT FROM OLD.epoch)
EXECUTE FUNCTION notify_ring_epoch();

-- Topology changes (bootstrap, decommission, RF change) outlive the coordinator that started
-- them: whoever holds the lease resumes from the persisted progress.
CREATE TABLE pending_changes (
    change_id        text        PRIMARY KEY,
    change_type      text        NOT NULL
        CONSTRAINT pending_changes_type_known CHECK (change_type IN ('ADD_NODE', 'REMOVE_NODE', 'CHANGE_RF')),
    node_id          varchar(64) COLLATE "C" REFERENCES storage_nodes (node_id),
    tenant_id        varchar(64) COLLATE "C" REFERENCES tenants (tenant_id),
    status           text        NOT NULL
        CONSTRAINT pending_changes_status_known CHECK (status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED', 'ROLLED_BACK')),
    -- the epoch that introduced the pending ranges; streaming waits until every live
    -- coordinator serves at least this epoch
    ring_epoch       bigint      NOT NULL,
    -- per-range state, keyed by range so one range is updated without rewriting the others:
    -- {"ranges": {"<start>:<end>": {"sources": [...], "target": "...", "status": "PENDING|STREAMING|DONE",
    --  "resume_after_token": "...", "keys_streamed": n}}}
    progress         jsonb       NOT NULL DEFAULT '{}'
        CONSTRAINT pending_changes_progress_object CHECK (jsonb_typeof(progress) = 'object'),
    started_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    error_message    text,
    -- the coordinator driving the change; another may take over once the lease expires
    lease_owner      text,
    lease_expires_at timestamptz,
    CONSTRAINT pending_changes_subject CHECK (
        CASE change_type WHEN 'CHANGE_RF' THEN tenant_id IS NOT NULL ELSE node_id IS NOT NULL END),
    CONSTRAINT pending_changes_open_until_done CHECK (status <> 'IN_PROGRESS' OR completed_at IS NULL),
    CONSTRAINT pending_changes_lease_complete CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
);

-- changes to the same node are serialised: at most one in flight per node
CREATE UNIQUE INDEX pending_changes_one_in_progress_per_node
    ON pending_changes (node_id) WHERE status = 'IN_PROGRESS';

-- Hints are written on the hot path of a failing write, hence no foreign keys: no parent-row
-- lock per insert, and a hint is kept even for a node or tenant the writer knew only from cache.
CREATE TABLE hints (
    hint_id        bigserial   PRIMARY KEY,
    target_node_id varchar(64) COLLATE "C" NOT NULL,
    tenant_id      varchar(64) COLLATE "C" NOT NULL,
    key            text        NOT NULL,
    -- the ring token is unsigned 64-bit; stored as its raw bits, so compare it in the code
    token          bigint      NOT NULL,
    -- NULL for a tombstone
    value          bytea,
    tombstone      boolean     NOT NULL,
    -- coordinator id -> counter
    vector_clock   jsonb       NOT NULL
        CONSTRAINT hints_clock_object CHECK (jsonb_typeof(vector_clock) = 'object'),
    timestamp_ms   bigint      NOT NULL
        CONSTRAINT hints_timestamp_not_negative CHECK (timestamp_ms >= 0),
    created_at     timestamptz NOT NULL,
    attempts       integer     NOT NULL DEFAULT 0
        CONSTRAINT hints_attempts_not_negative CHECK (attempts >= 0),
    -- several coordinators replay hints; a claim keeps two from replaying the same batch
    claimed_by     text,
    claimed_until  timestamptz,
    CONSTRAINT hints_value_or_tombstone CHECK (tombstone = (value IS NULL)),
    CONSTRAINT hints_claim_complete CHECK ((claimed_by IS NULL) = (claimed_until IS NULL))
);

-- replay reads a node's hints oldest first
CREATE INDEX hints_target_oldest_first ON hints (target_node_id, hint_id);

-- Live coordinators and the epoch each serves: range streaming starts only once every
-- coordinator with a recent heartbeat serves the new epoch.
CREATE TABLE coordinators (
    coordinator_id text        PRIMARY KEY,
    served_epoch   bigint      NOT NULL
        CONSTRAINT coordinators_epoch_not_negative CHECK (served_epoch >= 0),
    heartbeat_at   timestamptz NOT NULL,
    started_at     timestamptz NOT NULL
);
