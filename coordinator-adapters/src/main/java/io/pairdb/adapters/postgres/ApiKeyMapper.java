package io.pairdb.adapters.postgres;

import io.pairdb.core.security.ApiKey;
import io.pairdb.core.security.ApiKeyId;
import io.pairdb.core.security.Grants;
import io.pairdb.core.security.Permission;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An {@code api_keys} row and {@link ApiKey}; grants are stored as operators write them. */
final class ApiKeyMapper {
    static final String COLUMNS = "key_id, name, secret_hash, grants, created_at, created_by, expires_at, revoked_at,"
            + " revoked_by";

    private ApiKeyMapper() {
    }

    /** Binds the nine {@link #COLUMNS} in order. */
    static void bind(PreparedStatement s, ApiKey key, byte[] secretHash) throws SQLException {
        s.setString(1, key.id().value());
        s.setString(2, key.name());
        s.setBytes(3, secretHash);
        s.setArray(4, names(s.getConnection(), key.grants().permissions()));
        s.setObject(5, Jdbc.toTimestamp(key.createdAt()));
        s.setString(6, key.createdBy());
        s.setObject(7, key.expiresAt().map(Jdbc::toTimestamp).orElse(null));
        s.setObject(8, key.revoked().map(r -> Jdbc.toTimestamp(r.at())).orElse(null));
        s.setString(9, key.revoked().map(ApiKey.Revocation::by).orElse(null));
    }

    static ApiKey toKey(ResultSet rs) throws SQLException {
        String[] grants = (String[]) rs.getArray("grants").getArray();
        OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
        OffsetDateTime revokedAt = rs.getObject("revoked_at", OffsetDateTime.class);
        String revokedBy = rs.getString("revoked_by");
        return new ApiKey(new ApiKeyId(rs.getString("key_id")), rs.getString("name"),
                new Grants(Permission.parseAll(List.of(grants))),
                Jdbc.toInstant(rs.getObject("created_at", OffsetDateTime.class)), rs.getString("created_by"),
                Optional.ofNullable(expires).map(Jdbc::toInstant),
                Optional.ofNullable(revokedAt).map(at -> new ApiKey.Revocation(Jdbc.toInstant(at), revokedBy)));
    }

    static Array names(Connection connection, Set<Permission> permissions) throws SQLException {
        return connection.createArrayOf("text", new Grants(permissions).names().toArray(String[]::new));
    }
}
