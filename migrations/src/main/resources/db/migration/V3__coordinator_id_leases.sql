-- The pool of coordinator ids used in vector clocks. A coordinator leases the lowest free
-- number and renews the lease while it runs, so rolling restarts reuse a few stable ids
-- instead of adding a new entry to every clock. (V2 is left to the hints work.)
CREATE TABLE coordinator_ids (
    id_number   integer     PRIMARY KEY
        CONSTRAINT coordinator_ids_positive CHECK (id_number >= 1),
    lease_owner text        NOT NULL,
    lease_until timestamptz NOT NULL,
    claimed_at  timestamptz NOT NULL
);
