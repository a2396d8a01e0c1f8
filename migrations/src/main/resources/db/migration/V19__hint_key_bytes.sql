-- A hint for a key holding U+0000, which PostgreSQL text cannot hold: the key's UTF-8 goes in key_utf8
-- and key is NULL. Every other key stays in key alone, as before, so rows written before this migration
-- read back unchanged. A coordinator from before this migration, still running during an upgrade, fails
-- to read such a row (its key is NULL) rather than deliver the value under another key. The check holds
-- for every row written before (key set, no key_utf8), so it is added NOT VALID: checked for new rows,
-- without scanning a large backlog of hints while inserts wait.
ALTER TABLE hints
    ALTER COLUMN key DROP NOT NULL,
    ADD COLUMN key_utf8 bytea,
    ADD CONSTRAINT hints_key_once CHECK ((key IS NULL) <> (key_utf8 IS NULL)) NOT VALID;

-- V16 and V17 restated pending_changes.progress without V7's key_base64, which the code still writes
-- for a resume position whose key holds U+0000: the comment says so again.
COMMENT ON COLUMN pending_changes.progress IS
    'Per-stream progress, written whole by the lease holder at each checkpoint: '
    '{"force": bool, "unrecoverable_ranges": n, "streams": [{"start": "<u64>", "end": "<u64>", '
    '"target": "<node>", "sources": ["<node>", ...], "rfs": [n, ...], "tenants": null | ["<tenant>", ...], '
    '"state": "PENDING|STREAMING|DONE", "keys": n, "bytes": n, '
    '"after": null | {"token": "<u64>", "tenant": "<tenant>", "key": "<key>" | "key_base64": "<utf-8 in base64>"}, '
    '"failing_since": null | "<ISO-8601>", "last_error": null | "<text>", '
    '"target_data": null | "<data id of the target before the stream first scanned its range>"}]}; '
    'a stream''s index is its position in the array.';
