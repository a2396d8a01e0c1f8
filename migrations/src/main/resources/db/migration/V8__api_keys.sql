-- API keys (issue 16). A key's token is pairdb_<key_id>_<secret>; only SHA-256 of the secret is
-- kept, so what this table holds cannot be used to call a coordinator. Lookups go by key_id.
CREATE TABLE api_keys (
    key_id      varchar(16) COLLATE "C" PRIMARY KEY
        CONSTRAINT api_keys_id_shape CHECK (key_id ~ '^[a-z2-7]{16}$'),
    name        varchar(64) NOT NULL,
    secret_hash bytea       NOT NULL
        CONSTRAINT api_keys_hash_is_sha256 CHECK (octet_length(secret_hash) = 32),
    -- as operators write them: cluster:admin, cluster:read, tenant:ID:read, tenant:ID:write
    grants      text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    revoked_by  text,
    CONSTRAINT api_keys_revocation_whole CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- Every coordinator caches what it learnt about a key for a few seconds; this tells them all to
-- drop it as soon as a change commits (revocation, grants), whichever coordinator made it.
CREATE FUNCTION notify_api_key_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('pairdb_api_keys', COALESCE(NEW.key_id, OLD.key_id));
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_notify
    AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH ROW
EXECUTE FUNCTION notify_api_key_change();
