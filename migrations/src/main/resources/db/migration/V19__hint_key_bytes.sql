-- A hint for a key holding U+0000, which PostgreSQL text cannot hold: the key's UTF-8 goes in key_utf8,
-- and key keeps a readable form with each U+0000 written as the six characters \u0000. Every other key
-- stays in key alone, as before, so rows written before this migration read back unchanged.
ALTER TABLE hints ADD COLUMN key_utf8 bytea;
