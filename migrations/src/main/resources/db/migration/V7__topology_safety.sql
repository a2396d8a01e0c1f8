-- Topology changes without loss or resurrection (issue 13).

-- A key holding U+0000 is a valid key, but jsonb refuses its escape: a resume position with such
-- a key names it by its UTF-8 bytes in base64 ("key_base64") instead of "key".
COMMENT ON COLUMN pending_changes.progress IS
    'Per-stream progress, written whole by the lease holder at each checkpoint: '
    '{"force": bool, "unrecoverable_ranges": n, "replication": null | {"from": n, "to": n}, '
    '"streams": [{"start": "<u64>", "end": "<u64>", '
    '"target": "<node>", "sources": ["<node>", ...], "rfs": [n, ...], "tenants": null | ["<tenant>", ...], '
    '"state": "PENDING|STREAMING|DONE", "keys": n, "bytes": n, '
    '"after": null | {"token": "<u64>", "tenant": "<tenant>", "key": "<key>" | "key_base64": "<utf-8 in base64>"}, '
    '"failing_since": null | "<ISO-8601>", "last_error": null | "<text>"}]}; '
    'a stream''s index is its position in the array.';

-- A cleanup marks a range just before it sends the range's deletes, in a transaction that locks the
-- ring_epoch row as every change start does; a change start refuses to run while a range it
-- conflicts with is marked. A delete that failed or timed out may still run on the node, so the
-- mark stays until the range is DELETED or KEPT.
ALTER TABLE range_cleanups ADD COLUMN delete_begun_at timestamptz;
COMMENT ON COLUMN range_cleanups.delete_begun_at IS
    'Set (PostgreSQL''s clock) when the first delete of the range may have been sent to its node; '
    'cleared when the range is DELETED or KEPT. While set, changes overlapping the range do not start.';
CREATE INDEX range_cleanups_deleting ON range_cleanups (change_id, release_index) WHERE delete_begun_at IS NOT NULL;

-- A change that fails is rolled back, but what it copied stays on nodes that do not replicate it;
-- once tombstones are purged elsewhere such a stray copy brings deleted keys back. So a change
-- stores, with the ranges nodes stop replicating when it COMPLETES, one release per stream that is
-- due if it FAILS (or is ROLLED_BACK): the same grace period and verification apply.
ALTER TABLE range_cleanups ADD COLUMN released_when text NOT NULL DEFAULT 'COMPLETED'
    CONSTRAINT range_cleanups_released_when_known CHECK (released_when IN ('COMPLETED', 'FAILED'));
