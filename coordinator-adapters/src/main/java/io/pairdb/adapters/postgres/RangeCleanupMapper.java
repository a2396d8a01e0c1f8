package io.pairdb.adapters.postgres;

import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.TenantFilter;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Rows of {@code range_cleanups} and {@code forced_cleanups} to and from the domain's cleanup types. */
final class RangeCleanupMapper {
    static final String COLUMNS = "change_id, release_index, start_token, end_token, node_id, replication_factors,"
            + " tenant_ids, outcome, keys_deleted, reason, outcome_at, attempts, last_attempt_at, delete_begun_at,"
            + " released_when";
    private static final String DELETING = "SELECT " + COLUMNS + " FROM range_cleanups WHERE delete_begun_at IS NOT NULL"
            + " ORDER BY change_id, release_index";
    static final String FORCED_COLUMNS = "reason, requested_by, forced_at";
    private static final String INSERT = "INSERT INTO range_cleanups (change_id, release_index, start_token, end_token,"
            + " node_id, replication_factors, tenant_ids, released_when) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private RangeCleanupMapper() {
    }

    static void insert(Connection connection, ChangeId change, List<RangeRelease> releases) throws SQLException {
        if (releases.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (RangeRelease r : releases) {
                insert.setString(1, change.value());
                insert.setInt(2, r.index());
                insert.setLong(3, r.range().start().value());
                insert.setLong(4, r.range().end().value());
                insert.setString(5, r.node().value());
                insert.setArray(6, connection.createArrayOf("integer", r.replicationFactors().toArray()));
                insert.setArray(7, switch (r.tenants()) {
                    case TenantFilter.AllTenants all -> null;
                    case TenantFilter.Only only -> connection.createArrayOf("text",
                            only.tenants().stream().map(TenantId::value).toArray());
                });
                insert.setString(8, r.when().name());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    static RangeCleanup toCleanup(ResultSet row) throws SQLException {
        ChangeId change = new ChangeId(row.getString("change_id"));
        TreeSet<Integer> rfs = new TreeSet<>();
        for (Object rf : (Object[]) row.getArray("replication_factors").getArray()) {
            rfs.add(((Number) rf).intValue());
        }
        Array tenantArray = row.getArray("tenant_ids");
        TenantFilter tenants = tenantArray == null ? TenantFilter.ALL : new TenantFilter.Only(
                Arrays.stream((Object[]) tenantArray.getArray()).map(t -> new TenantId((String) t)).toList());
        RangeRelease release = new RangeRelease(row.getInt("release_index"),
                new TokenRange(new Token(row.getLong("start_token")), new Token(row.getLong("end_token"))),
                new NodeId(row.getString("node_id")), rfs, tenants,
                RangeRelease.When.valueOf(row.getString("released_when")));
        OffsetDateTime outcomeAt = row.getObject("outcome_at", OffsetDateTime.class);
        String reason = row.getString("reason");
        CleanupOutcome outcome = switch (row.getString("outcome")) {
            case "PENDING" -> CleanupOutcome.PENDING;
            case "DELETED" -> new CleanupOutcome.Deleted(row.getLong("keys_deleted"), Jdbc.toInstant(outcomeAt));
            case "SKIPPED" -> new CleanupOutcome.Skipped(reason, Jdbc.toInstant(outcomeAt));
            case "KEPT" -> new CleanupOutcome.Kept(reason, Jdbc.toInstant(outcomeAt));
            default -> throw new IllegalStateException("unknown cleanup outcome " + row.getString("outcome"));
        };
        OffsetDateTime last = row.getObject("last_attempt_at", OffsetDateTime.class);
        OffsetDateTime deleteBegun = row.getObject("delete_begun_at", OffsetDateTime.class);
        return new RangeCleanup(change, release, outcome, row.getInt("attempts"),
                Optional.ofNullable(last).map(Jdbc::toInstant), Optional.ofNullable(deleteBegun).map(Jdbc::toInstant));
    }

    /** The ranges a cleanup may be deleting now (see {@code CleanupStore.beginDelete}). */
    static List<RangeCleanup> deleting(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(DELETING); ResultSet rows = s.executeQuery()) {
            List<RangeCleanup> deleting = new java.util.ArrayList<>();
            while (rows.next()) {
                deleting.add(toCleanup(rows));
            }
            return deleting;
        }
    }

    /** Binds outcome, keys_deleted, reason, outcome_at from {@code first} on. */
    static void bindOutcome(PreparedStatement s, int first, CleanupOutcome outcome) throws SQLException {
        switch (outcome) {
            case CleanupOutcome.Pending p -> throw new IllegalArgumentException("an attempt ends with an outcome");
            case CleanupOutcome.Deleted d -> {
                s.setString(first, "DELETED");
                s.setLong(first + 1, d.keys());
                s.setString(first + 2, null);
                s.setObject(first + 3, Jdbc.toTimestamp(d.at()));
            }
            case CleanupOutcome.Skipped sk -> {
                s.setString(first, "SKIPPED");
                s.setNull(first + 1, java.sql.Types.BIGINT);
                s.setString(first + 2, Jdbc.message(sk.reason()));
                s.setObject(first + 3, Jdbc.toTimestamp(sk.at()));
            }
            case CleanupOutcome.Kept k -> {
                s.setString(first, "KEPT");
                s.setNull(first + 1, java.sql.Types.BIGINT);
                s.setString(first + 2, Jdbc.message(k.reason()));
                s.setObject(first + 3, Jdbc.toTimestamp(k.at()));
            }
        }
    }

    static CleanupOrder toForced(ResultSet row) throws SQLException {
        return new CleanupOrder(row.getString("reason"), row.getString("requested_by"),
                Jdbc.toInstant(row.getObject("forced_at", OffsetDateTime.class)));
    }
}
