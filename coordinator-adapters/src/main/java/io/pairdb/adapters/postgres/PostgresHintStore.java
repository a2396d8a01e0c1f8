package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.hints.Hint;
import io.pairdb.core.hints.PendingHints;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.HintStore;
import jakarta.inject.Singleton;
import java.sql.Array;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Hints in PostgreSQL, oldest first by their sequence id (insertion order, not a coordinator's
 * clock). Claims are rows marked with their owner and an expiry from the database's clock,
 * taken with {@code FOR UPDATE SKIP LOCKED} so concurrent replayers pass each other's rows by
 * instead of waiting for them or taking them twice.
 */
@Singleton
public final class PostgresHintStore implements HintStore {
    private static final String RETURNED = "hint_id, " + HintMapper.COLUMNS;
    private static final String INSERT = "INSERT INTO hints (" + HintMapper.COLUMNS + ") VALUES ("
            + HintMapper.PLACEHOLDERS + ")";
    private static final String PENDING = "SELECT " + RETURNED + " FROM hints"
            + " WHERE target_node_id = ? ORDER BY hint_id LIMIT ?";
    private static final String DELETE = "DELETE FROM hints WHERE hint_id = ?";
    private static final String DELETE_MANY = "DELETE FROM hints WHERE hint_id = ANY (?)";
    private static final String COUNT = "SELECT count(*) FROM hints WHERE target_node_id = ?";
    // READ COMMITTED: a row another replayer claimed and committed meanwhile is re-checked
    // against claimed_until when locked, so it is not taken a second time.
    private static final String CLAIM = "UPDATE hints SET claimed_by = ?,"
            + " claimed_until = now() + make_interval(secs => ?)"
            + " WHERE hint_id IN (SELECT hint_id FROM hints"
            + " WHERE target_node_id = ? AND (claimed_until IS NULL OR claimed_until <= now())"
            + " ORDER BY hint_id LIMIT ? FOR UPDATE SKIP LOCKED)"
            + " RETURNING " + RETURNED;
    private static final String RECORD_FAILURE = "UPDATE hints SET attempts = attempts + 1,"
            + " claimed_by = NULL, claimed_until = NULL"
            + " WHERE hint_id = ANY (?) AND claimed_by = ?"
            + " RETURNING " + RETURNED;
    private static final String RELEASE = "UPDATE hints SET claimed_by = NULL, claimed_until = NULL"
            + " WHERE hint_id = ANY (?) AND claimed_by = ?";
    private static final String EXPIRE = "WITH gone AS (DELETE FROM hints WHERE hint_id IN (SELECT hint_id FROM hints"
            + " WHERE created_at < ? LIMIT ?) RETURNING target_node_id)"
            + " SELECT target_node_id, count(*) FROM gone GROUP BY target_node_id";
    private static final String STATS = "SELECT target_node_id, count(*), min(created_at) FROM hints"
            + " GROUP BY target_node_id ORDER BY target_node_id";

    private final DataSource dataSource;

    public PostgresHintStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public void store(Hint hint) {
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    HintMapper.bind(insert, hint);
                    return insert.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failure(hint.target(), "could not store a hint for node " + hint.target()
                    + " (tenant " + hint.tenant() + ")", e);
        }
    }

    @Override
    public List<Hint> pending(NodeId target, int limit) {
        requireLimit(limit);
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement(PENDING)) {
                    select.setString(1, target.value());
                    select.setInt(2, limit);
                    return hints(select);
                }
            });
        } catch (SQLException e) {
            throw failure(target, "could not read hints for node " + target, e);
        }
    }

    @Override
    public void delete(long hintId) {
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                    delete.setLong(1, hintId);
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hint " + hintId, "could not delete hint " + hintId + " (table hints)", e);
        }
    }

    @Override
    public void delete(Collection<Long> hintIds) {
        if (hintIds.isEmpty()) {
            return;
        }
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement delete = connection.prepareStatement(DELETE_MANY)) {
                    delete.setArray(1, ids(connection, hintIds));
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hints", "could not delete " + hintIds.size() + " hints (table hints)", e);
        }
    }

    @Override
    public long count(NodeId target) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement count = connection.prepareStatement(COUNT)) {
                    count.setString(1, target.value());
                    try (ResultSet row = count.executeQuery()) {
                        row.next();
                        return row.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure(target, "could not count hints for node " + target, e);
        }
    }

    @Override
    public List<Hint> claim(NodeId target, int limit, String owner, Duration lease) {
        requireLimit(limit);
        if (lease.isNegative()) {
            throw new IllegalArgumentException("lease must not be negative, was " + lease);
        }
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                    claim.setString(1, owner);
                    claim.setDouble(2, lease.toMillis() / 1000.0);
                    claim.setString(3, target.value());
                    claim.setInt(4, limit);
                    return oldestFirst(hints(claim));
                }
            });
        } catch (SQLException e) {
            throw failure(target, "could not claim hints for node " + target, e);
        }
    }

    @Override
    public List<Hint> recordFailure(Collection<Long> hintIds, String owner) {
        if (hintIds.isEmpty()) {
            return List.of();
        }
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement update = connection.prepareStatement(RECORD_FAILURE)) {
                    update.setArray(1, ids(connection, hintIds));
                    update.setString(2, owner);
                    return oldestFirst(hints(update));
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hints", "could not record failed deliveries of " + hintIds.size()
                    + " hints (table hints)", e);
        }
    }

    @Override
    public void release(Collection<Long> hintIds, String owner) {
        if (hintIds.isEmpty()) {
            return;
        }
        try {
            Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement update = connection.prepareStatement(RELEASE)) {
                    update.setArray(1, ids(connection, hintIds));
                    update.setString(2, owner);
                    return update.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hints", "could not release the claims of " + hintIds.size()
                    + " hints (table hints)", e);
        }
    }

    @Override
    public Map<NodeId, Long> expire(Instant cutoff, int limit) {
        requireLimit(limit);
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement expire = connection.prepareStatement(EXPIRE)) {
                    expire.setObject(1, Jdbc.toTimestamp(cutoff));
                    expire.setInt(2, limit);
                    try (ResultSet rows = expire.executeQuery()) {
                        Map<NodeId, Long> dropped = new TreeMap<>();
                        while (rows.next()) {
                            dropped.put(new NodeId(rows.getString(1)), rows.getLong(2));
                        }
                        return dropped;
                    }
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hints", "could not expire hints created before " + cutoff + " (table hints)", e);
        }
    }

    @Override
    public List<PendingHints> stats() {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement(STATS);
                     ResultSet rows = select.executeQuery()) {
                    List<PendingHints> stats = new ArrayList<>();
                    while (rows.next()) {
                        stats.add(new PendingHints(new NodeId(rows.getString(1)), rows.getLong(2),
                                Jdbc.toInstant(rows.getObject(3, OffsetDateTime.class))));
                    }
                    return stats;
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("hints", "could not read hint statistics (table hints)", e);
        }
    }

    private static List<Hint> hints(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            List<Hint> hints = new ArrayList<>();
            while (rows.next()) {
                hints.add(HintMapper.toHint(rows));
            }
            return hints;
        }
    }

    /** RETURNING gives rows in no particular order. */
    private static List<Hint> oldestFirst(List<Hint> hints) {
        return hints.stream().sorted(Comparator.comparingLong(Hint::id)).toList();
    }

    private static Array ids(Connection connection, Collection<Long> hintIds) throws SQLException {
        return connection.createArrayOf("bigint", hintIds.toArray(Long[]::new));
    }

    private static void requireLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
    }

    private static PairDbException failure(NodeId target, String message, SQLException cause) {
        return new PairDbException("node " + target, message + " (table hints)", cause);
    }
}
