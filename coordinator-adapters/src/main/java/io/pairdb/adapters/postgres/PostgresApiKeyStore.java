package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ApiKeyStore;
import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyId;
import io.pairdb.core.security.Permission;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * API keys in PostgreSQL. Each change is one statement, so concurrent changes of one key by
 * several coordinators all apply; the table's trigger announces every change on
 * {@code pairdb_api_keys} (see {@link PostgresNotificationListener}).
 */
@Singleton
public final class PostgresApiKeyStore implements ApiKeyStore {
    private static final String INSERT = "INSERT INTO api_keys (" + ApiKeyMapper.COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING";
    private static final String SELECT = "SELECT " + ApiKeyMapper.COLUMNS + " FROM api_keys WHERE key_id = ?";
    private static final String LIST = "SELECT " + ApiKeyMapper.COLUMNS + " FROM api_keys ORDER BY created_at, key_id";
    private static final String REVOKE = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?),"
            + " revoked_by = COALESCE(revoked_by, ?) WHERE key_id = ? RETURNING " + ApiKeyMapper.COLUMNS;
    // one statement: the row lock makes concurrent grant changes of one key apply one after the other
    private static final String CHANGE_GRANTS = "UPDATE api_keys SET grants = ARRAY(SELECT DISTINCT g FROM"
            + " unnest(grants || ?::text[]) AS g WHERE NOT g = ANY(?::text[]) ORDER BY g)"
            + " WHERE key_id = ? RETURNING " + ApiKeyMapper.COLUMNS;

    private final DataSource dataSource;

    public PostgresApiKeyStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public InsertOutcome insert(ApiKey key, byte[] secretHash) {
        try {
            int inserted = Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(INSERT)) {
                    ApiKeyMapper.bind(s, key, secretHash);
                    return s.executeUpdate();
                }
            });
            return inserted == 1 ? InsertOutcome.INSERTED : InsertOutcome.ALREADY_EXISTS;
        } catch (SQLException e) {
            throw new PairDbException("api key " + key.id(), "could not store API key " + key.id(), e);
        }
    }

    @Override
    public Optional<StoredKey> find(ApiKeyId id) {
        try {
            return Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(SELECT)) {
                    s.setString(1, id.value());
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next() ? Optional.of(new StoredKey(ApiKeyMapper.toKey(rs), rs.getBytes("secret_hash")))
                                : Optional.<StoredKey>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("api key " + id, "could not read API key " + id, e);
        }
    }

    @Override
    public List<ApiKey> list() {
        try {
            return Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(LIST); ResultSet rs = s.executeQuery()) {
                    List<ApiKey> keys = new ArrayList<>();
                    while (rs.next()) {
                        keys.add(ApiKeyMapper.toKey(rs));
                    }
                    return keys;
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("api_keys", "could not list API keys", e);
        }
    }

    @Override
    public Optional<ApiKey> revoke(ApiKeyId id, ApiKey.Revocation revocation) {
        try {
            return Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(REVOKE)) {
                    s.setObject(1, Jdbc.toTimestamp(revocation.at()));
                    s.setString(2, revocation.by());
                    s.setString(3, id.value());
                    return single(s);
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("api key " + id, "could not revoke API key " + id, e);
        }
    }

    @Override
    public Optional<ApiKey> changeGrants(ApiKeyId id, Set<Permission> add, Set<Permission> remove) {
        try {
            return Jdbc.autoCommit(dataSource, c -> {
                try (PreparedStatement s = c.prepareStatement(CHANGE_GRANTS)) {
                    s.setArray(1, ApiKeyMapper.names(c, add));
                    s.setArray(2, ApiKeyMapper.names(c, remove));
                    s.setString(3, id.value());
                    return single(s);
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("api key " + id, "could not change the grants of API key " + id, e);
        }
    }

    private static Optional<ApiKey> single(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(ApiKeyMapper.toKey(rs)) : Optional.empty();
        }
    }
}
