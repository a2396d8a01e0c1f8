-- What each repair run moved (issue 19): roughly the bytes of digests, clocks and keys read from
-- the replicas plus the repair writes sent to them, summed over the ranges it recorded (failed
-- attempts of a range included). Runs recorded before this version count from 0.

ALTER TABLE repair_runs
    ADD COLUMN bytes_moved bigint NOT NULL DEFAULT 0
        CONSTRAINT repair_runs_bytes_not_negative CHECK (bytes_moved >= 0);

-- A stream now names its target's data before its first scan, not its first batch: a range found
-- empty still has its writes reach the target as a pending replica. Only the documented meaning of
-- target_data changes.
COMMENT ON COLUMN pending_changes.progress IS
    'Per-stream progress, written whole by the lease holder at each checkpoint: '
    '{"force": bool, "unrecoverable_ranges": n, "streams": [{"start": "<u64>", "end": "<u64>", '
    '"target": "<node>", "sources": ["<node>", ...], "rfs": [n, ...], "tenants": null | ["<tenant>", ...], '
    '"state": "PENDING|STREAMING|DONE", "keys": n, "bytes": n, '
    '"after": null | {"token": "<u64>", "tenant": "<tenant>", "key": "<key>"}, '
    '"failing_since": null | "<ISO-8601>", "last_error": null | "<text>", '
    '"target_data": null | "<data id of the target before the stream first scanned its range>"}]}; '
    'a stream''s index is its position in the array.';
