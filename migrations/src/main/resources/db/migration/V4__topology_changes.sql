-- Topology changes (issue 6): bootstrap and decommission with range streaming. V1 already has
-- what a change needs (pending_changes with its lease, the coordinators registry, the epoch
-- NOTIFY); this documents the progress format the coordinators write and indexes the listing.

COMMENT ON COLUMN pending_changes.progress IS
    'Per-stream progress, written whole by the lease holder at each checkpoint: '
    '{"force": bool, "unrecoverable_ranges": n, "streams": [{"start": "<u64>", "end": "<u64>", '
    '"target": "<node>", "sources": ["<node>", ...], "rfs": [n, ...], "tenants": null | ["<tenant>", ...], '
    '"state": "PENDING|STREAMING|DONE", "keys": n, "bytes": n, '
    '"after": null | {"token": "<u64>", "tenant": "<tenant>", "key": "<key>"}, '
    '"failing_since": null | "<ISO-8601>", "last_error": null | "<text>"}]}; '
    'a stream''s index is its position in the array.';

-- change list shows the newest first
CREATE INDEX pending_changes_newest_first ON pending_changes (started_at DESC, change_id DESC);
