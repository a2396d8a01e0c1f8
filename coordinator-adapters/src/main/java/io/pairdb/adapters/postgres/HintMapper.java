package io.pairdb.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.TreeMap;

/**
 * {@code hints} rows ↔ {@link Hint}. The token keeps its raw 64 bits in a signed bigint; the
 * clock is a JSON object of coordinator id → counter; a tombstone has no value.
 */
final class HintMapper {
    static final String COLUMNS = "target_node_id, tenant_id, key, token, value, tombstone, vector_clock,"
            + " timestamp_ms, created_at, attempts, key_utf8";
    static final String PLACEHOLDERS = "?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, Long>> CLOCK = new TypeReference<>() {
    };

    private HintMapper() {
    }

    static Hint toHint(ResultSet row) throws SQLException {
        boolean tombstone = row.getBoolean("tombstone");
        VectorClock clock = readClock(row.getString("vector_clock"), row.getLong("hint_id"));
        long timestampMs = row.getLong("timestamp_ms");
        Version version = tombstone
                ? Version.tombstone(clock, timestampMs)
                : Version.of(row.getBytes("value"), clock, timestampMs);
        return new Hint(row.getLong("hint_id"), new NodeId(row.getString("target_node_id")),
                new TenantId(row.getString("tenant_id")), key(row), new Token(row.getLong("token")),
                version, Jdbc.toInstant(row.getObject("created_at", OffsetDateTime.class)), row.getInt("attempts"));
    }

    /** Binds the columns in {@link #COLUMNS} order, starting at parameter 1. */
    static void bind(PreparedStatement statement, Hint hint) throws SQLException {
        Version version = hint.version();
        statement.setString(1, hint.target().value());
        statement.setString(2, hint.tenant().value());
        // text holds any character but U+0000: a key with one goes as its UTF-8 instead (V19)
        boolean nul = hint.key().indexOf('\u0000') >= 0;
        if (nul) {
            statement.setNull(3, Types.VARCHAR);
        } else {
            statement.setString(3, hint.key());
        }
        statement.setLong(4, hint.token().value());
        if (version.tombstone()) {
            statement.setNull(5, Types.BINARY);
        } else {
            statement.setBytes(5, version.value());
        }
        statement.setBoolean(6, version.tombstone());
        statement.setString(7, writeClock(version.clock()));
        statement.setLong(8, version.timestampMs());
        statement.setObject(9, Jdbc.toTimestamp(hint.createdAt()));
        statement.setInt(10, hint.attempts());
        if (nul) {
            statement.setBytes(11, hint.key().getBytes(StandardCharsets.UTF_8));
        } else {
            statement.setNull(11, Types.BINARY);
        }
    }

    private static String key(ResultSet row) throws SQLException {
        byte[] utf8 = row.getBytes("key_utf8");
        return utf8 == null ? row.getString("key") : new String(utf8, StandardCharsets.UTF_8);
    }

    private static String writeClock(VectorClock clock) throws SQLException {
        try {
            return JSON.writeValueAsString(clock.entries());
        } catch (JsonProcessingException e) {
            throw new SQLException("could not write vector clock " + clock + " as JSON", e);
        }
    }

    private static VectorClock readClock(String json, long hintId) throws SQLException {
        try {
            return new VectorClock(JSON.readValue(json, CLOCK));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SQLException("hint " + hintId + " has an unreadable vector clock: " + json, e);
        }
    }
}
