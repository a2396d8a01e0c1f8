-- Each stream records which copy of data its target held when its first batch was written to it
-- (the target's data id, from its health answer), so a coordinator copies the range again to a
-- target that started over empty before the change hands over or ends. Only the documented
-- progress format changes; streams written before this version have no target_data.

COMMENT ON COLUMN pending_changes.progress IS
    'Per-stream progress, written whole by the lease holder at each checkpoint: '
    '{"force": bool, "unrecoverable_ranges": n, "streams": [{"start": "<u64>", "end": "<u64>", '
    '"target": "<node>", "sources": ["<node>", ...], "rfs": [n, ...], "tenants": null | ["<tenant>", ...], '
    '"state": "PENDING|STREAMING|DONE", "keys": n, "bytes": n, '
    '"after": null | {"token": "<u64>", "tenant": "<tenant>", "key": "<key>"}, '
    '"failing_since": null | "<ISO-8601>", "last_error": null | "<text>", '
    '"target_data": null | "<data id of the target when the stream began writing to it>"}]}; '
    'a stream''s index is its position in the array.';
