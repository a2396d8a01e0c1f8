package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.cleanup.ChangeCleanup;
import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.cleanup.CleanupOrder;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Cleanups in {@code range_cleanups} (one row per released range, inserted by
 * {@link PostgresChangeStore#start} with its change) and {@code forced_cleanups}. Claims are
 * timed by PostgreSQL's clock and taken with {@code FOR UPDATE SKIP LOCKED}, so coordinators
 * cleaning up at once share the work instead of queueing on each other's rows.
 */
@Singleton
public final class PostgresCleanupStore implements CleanupStore {
    private static final String CLAIM = """
            UPDATE range_cleanups r SET claimed_by = ?, claim_expires_at = now() + make_interval(secs => ?)
            FROM (SELECT d.change_id, d.release_index FROM range_cleanups d
                  JOIN pending_changes c ON c.change_id = d.change_id
                  LEFT JOIN forced_cleanups f ON f.change_id = d.change_id
                  WHERE (d.released_when = 'COMPLETED' AND c.status = 'COMPLETED'
                         OR d.released_when = 'FAILED' AND c.status IN ('FAILED', 'ROLLED_BACK'))
                    AND d.outcome IN ('PENDING', 'SKIPPED')
                    AND (d.claim_expires_at IS NULL OR d.claim_expires_at <= now())
                    AND (d.last_attempt_at IS NULL OR d.last_attempt_at < ?)
                    AND (f.change_id IS NOT NULL OR c.completed_at <= ?)
                  ORDER BY c.completed_at, d.change_id, d.release_index
                  LIMIT ? FOR UPDATE OF d SKIP LOCKED) due
            WHERE r.change_id = due.change_id AND r.release_index = due.release_index
            RETURNING\s""" + prefixed("r");
    // the same ranges as CLAIM, whoever holds them and whenever they were tried; the open-ranges index bounds it
    private static final String BACKLOG = """
            SELECT count(*) FILTER (WHERE d.outcome = 'PENDING') AS pending,
                   count(*) FILTER (WHERE d.outcome = 'SKIPPED') AS skipped,
                   coalesce(max(d.attempts), 0) AS most_skips,
                   min(CASE WHEN f.forced_at < c.completed_at + make_interval(secs => ?) THEN f.forced_at
                            ELSE c.completed_at + make_interval(secs => ?) END) AS oldest_due
            FROM range_cleanups d
            JOIN pending_changes c ON c.change_id = d.change_id
            LEFT JOIN forced_cleanups f ON f.change_id = d.change_id
            WHERE (d.released_when = 'COMPLETED' AND c.status = 'COMPLETED'
                   OR d.released_when = 'FAILED' AND c.status IN ('FAILED', 'ROLLED_BACK'))
              AND d.outcome IN ('PENDING', 'SKIPPED')
              AND (f.change_id IS NOT NULL OR c.completed_at <= ?)""";
    // the open-ranges index bounds it too
    private static final String UNCLEANED = """
            SELECT\s""" + prefixed("d") + """
             FROM range_cleanups d
            JOIN pending_changes c ON c.change_id = d.change_id
            WHERE (d.released_when = 'COMPLETED' AND c.status = 'COMPLETED'
                   OR d.released_when = 'FAILED' AND c.status IN ('FAILED', 'ROLLED_BACK'))
              AND d.outcome IN ('PENDING', 'SKIPPED')
              AND d.node_id = ANY (?)
              AND c.completed_at <= ?
            ORDER BY c.completed_at, d.change_id, d.release_index""";
    private static final String RECORD = """
            UPDATE range_cleanups SET outcome = ?, keys_deleted = ?, reason = ?, outcome_at = ?,
                   attempts = attempts + 1, last_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL,
                   delete_begun_at = CASE WHEN ? THEN NULL ELSE delete_begun_at END
            WHERE change_id = ? AND release_index = ? AND claimed_by = ?""";
    // the epoch row before the range row: a change start locks the epoch row, then reads the marks
    private static final String LOCK_EPOCH = "SELECT epoch FROM ring_epoch FOR UPDATE";
    private static final String BEGIN_DELETE = """
            UPDATE range_cleanups SET delete_begun_at = coalesce(delete_begun_at, now())
            WHERE change_id = ? AND release_index = ? AND claimed_by = ?""";
    private static final String RANGES = "SELECT " + RangeCleanupMapper.COLUMNS
            + " FROM range_cleanups WHERE change_id = ? ORDER BY release_index";
    private static final String FORCED = "SELECT change_id, " + RangeCleanupMapper.FORCED_COLUMNS
            + " FROM forced_cleanups WHERE change_id = ANY (?)";
    private static final String STATUS = "SELECT status FROM pending_changes WHERE change_id = ?";
    private static final String FORCE = """
            INSERT INTO forced_cleanups (change_id, reason, requested_by, forced_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (change_id) DO UPDATE SET reason = EXCLUDED.reason, requested_by = EXCLUDED.requested_by,
                   forced_at = EXCLUDED.forced_at""";

    private final DataSource dataSource;

    public PostgresCleanupStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    private static String prefixed(String alias) {
        return alias + "." + RangeCleanupMapper.COLUMNS.replace(", ", ", " + alias + ".");
    }

    @Override
    public List<Claimed> claimDue(Instant completedBefore, Instant triedBefore, String owner, Duration lease, int limit) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                List<RangeCleanup> claimed = new ArrayList<>();
                try (PreparedStatement s = connection.prepareStatement(CLAIM)) {
                    s.setString(1, owner);
                    s.setDouble(2, lease.toMillis() / 1000.0);
                    s.setObject(3, Jdbc.toTimestamp(triedBefore));
                    s.setObject(4, Jdbc.toTimestamp(completedBefore));
                    s.setInt(5, limit);
                    try (ResultSet rows = s.executeQuery()) {
                        while (rows.next()) {
                            claimed.add(RangeCleanupMapper.toCleanup(rows));
                        }
                    }
                }
                claimed.sort(Comparator.comparing((RangeCleanup r) -> r.change().value())
                        .thenComparingInt(r -> r.release().index()));
                Map<ChangeId, CleanupOrder> forced = forced(connection,
                        claimed.stream().map(RangeCleanup::change).distinct().toList());
                return claimed.stream().map(r -> new Claimed(r, Optional.ofNullable(forced.get(r.change())))).toList();
            });
        } catch (SQLException e) {
            throw failure("could not claim ranges to clean up", e);
        }
    }

    @Override
    public ChangeStore.Held record(ChangeId change, int index, String owner, CleanupOutcome outcome, Instant at) {
        try {
            int updated = Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(RECORD)) {
                    RangeCleanupMapper.bindOutcome(s, 1, outcome);
                    s.setObject(5, Jdbc.toTimestamp(at));
                    s.setBoolean(6, outcome.isFinal());
                    s.setString(7, change.value());
                    s.setInt(8, index);
                    s.setString(9, owner);
                    return s.executeUpdate();
                }
            });
            return updated == 1 ? ChangeStore.Held.HELD : ChangeStore.Held.LOST;
        } catch (SQLException e) {
            throw failure("could not record the cleanup of range " + index + " of change " + change, e);
        }
    }

    @Override
    public Begin beginDelete(ChangeId change, int index, String owner, long epoch) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement lock = connection.prepareStatement(LOCK_EPOCH); ResultSet row = lock.executeQuery()) {
                    row.next();
                    if (row.getLong(1) != epoch) {
                        return Begin.RING_MOVED;
                    }
                }
                try (PreparedStatement s = connection.prepareStatement(BEGIN_DELETE)) {
                    s.setString(1, change.value());
                    s.setInt(2, index);
                    s.setString(3, owner);
                    return s.executeUpdate() == 1 ? Begin.BEGUN : Begin.LOST;
                }
            });
        } catch (SQLException e) {
            throw failure("could not mark range " + index + " of change " + change + " as being deleted", e);
        }
    }

    @Override
    public List<RangeCleanup> deleting() {
        try {
            return Jdbc.autoCommit(dataSource, RangeCleanupMapper::deleting);
        } catch (SQLException e) {
            throw failure("could not read the ranges being deleted", e);
        }
    }

    @Override
    public List<RangeCleanup> uncleaned(Collection<NodeId> nodes, Instant endedBefore) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(UNCLEANED)) {
                    s.setArray(1, connection.createArrayOf("text", nodes.stream().map(NodeId::value).toArray()));
                    s.setObject(2, Jdbc.toTimestamp(endedBefore));
                    List<RangeCleanup> uncleaned = new ArrayList<>();
                    try (ResultSet rows = s.executeQuery()) {
                        while (rows.next()) {
                            uncleaned.add(RangeCleanupMapper.toCleanup(rows));
                        }
                    }
                    return uncleaned;
                }
            });
        } catch (SQLException e) {
            throw failure("could not read the ranges left uncleaned on " + nodes, e);
        }
    }

    @Override
    public Backlog backlog(Instant now, Duration gracePeriod) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(BACKLOG)) {
                    double grace = gracePeriod.toMillis() / 1000.0;
                    s.setDouble(1, grace);
                    s.setDouble(2, grace);
                    s.setObject(3, Jdbc.toTimestamp(now.minus(gracePeriod)));
                    try (ResultSet row = s.executeQuery()) {
                        row.next();
                        return new Backlog(row.getInt("pending"), row.getInt("skipped"), row.getInt("most_skips"),
                                Optional.ofNullable(row.getObject("oldest_due", OffsetDateTime.class))
                                        .map(Jdbc::toInstant));
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("could not read the cleanup backlog", e);
        }
    }

    @Override
    public Optional<ChangeCleanup> find(ChangeId change) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> find(connection, change));
        } catch (SQLException e) {
            throw failure("could not read the cleanup of change " + change, e);
        }
    }

    private static Optional<ChangeCleanup> find(Connection connection, ChangeId change) throws SQLException {
        Optional<ChangeStatus> status = status(connection, change);
        if (status.isEmpty()) {
            return Optional.empty();
        }
        List<RangeCleanup> ranges = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(RANGES)) {
            s.setString(1, change.value());
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    RangeCleanup range = RangeCleanupMapper.toCleanup(rows);
                    if (range.release().concerns(status.get())) {
                        ranges.add(range);
                    }
                }
            }
        }
        return Optional.of(new ChangeCleanup(change, ranges, Optional.ofNullable(forced(connection, List.of(change))
                .get(change))));
    }

    @Override
    public Force force(ChangeId change, CleanupOrder order) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                Optional<ChangeStatus> status = status(connection, change);
                if (status.isEmpty()) {
                    return new Force.NotFound();
                }
                if (!status.get().isFinal()) {
                    return new Force.NotCompleted(status.get());
                }
                try (PreparedStatement s = connection.prepareStatement(FORCE)) {
                    s.setString(1, change.value());
                    s.setString(2, order.reason());
                    s.setString(3, order.requestedBy());
                    s.setObject(4, Jdbc.toTimestamp(order.at()));
                    s.executeUpdate();
                }
                return new Force.Forced(find(connection, change).orElseThrow());
            });
        } catch (SQLException e) {
            throw failure("could not force the cleanup of change " + change, e);
        }
    }

    private static Optional<ChangeStatus> status(Connection connection, ChangeId change) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(STATUS)) {
            s.setString(1, change.value());
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? Optional.of(ChangeStatus.valueOf(row.getString(1))) : Optional.empty();
            }
        }
    }

    private static Map<ChangeId, CleanupOrder> forced(Connection connection, List<ChangeId> changes)
            throws SQLException {
        Map<ChangeId, CleanupOrder> forced = new HashMap<>();
        if (changes.isEmpty()) {
            return forced;
        }
        try (PreparedStatement s = connection.prepareStatement(FORCED)) {
            s.setArray(1, connection.createArrayOf("text", changes.stream().map(ChangeId::value).toArray()));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    forced.put(new ChangeId(rows.getString("change_id")), RangeCleanupMapper.toForced(rows));
                }
            }
        }
        return forced;
    }

    private static PairDbException failure(String message, SQLException cause) {
        return new PairDbException("cleanups", message + " (tables range_cleanups, forced_cleanups, pending_changes)",
                cause);
    }
}
