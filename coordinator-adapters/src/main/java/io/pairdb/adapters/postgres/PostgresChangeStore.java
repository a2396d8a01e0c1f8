package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.PermanentFailureException;
import io.pairdb.core.cleanup.RangeCleanup;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.topology.ChangeConflicts;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.RangeRelease;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.TopologyChange;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Topology changes in {@code pending_changes}, beside the nodes and the epoch of
 * {@link PostgresTopologyStore}. A start and a finish change the node, the change and the epoch
 * in one transaction, taking locks in the order the topology store does (node row, then epoch
 * row) so the two never deadlock. Leases are timed by PostgreSQL's clock. The ranges a change
 * releases go to {@code range_cleanups} with it (see {@link PostgresCleanupStore}).
 */
@Singleton
public final class PostgresChangeStore implements ChangeStore {
    private static final String SELECT = "SELECT " + TopologyChangeMapper.COLUMNS + " FROM pending_changes";
    private static final String LOCK_NODE = "SELECT state FROM storage_nodes WHERE node_id = ? FOR UPDATE";
    private static final String INSERT_NODE = "INSERT INTO storage_nodes (" + StorageNodeMapper.COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node_id) DO NOTHING";
    private static final String REPLACE_NODE = "UPDATE storage_nodes SET host = ?, port = ?, virtual_nodes = ?, state = ?,"
            + " liveness = ?, created_at = ?, updated_at = ? WHERE node_id = ?";
    private static final String BUMP_IF = "UPDATE ring_epoch SET epoch = epoch + 1 WHERE epoch = ? RETURNING epoch";
    private static final String BUMP = "UPDATE ring_epoch SET epoch = epoch + 1 RETURNING epoch";
    private static final String EPOCH = "SELECT epoch FROM ring_epoch";
    private static final String INSERT_CHANGE = "INSERT INTO pending_changes (" + TopologyChangeMapper.COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?,"
            + " CASE WHEN ? IS NULL THEN NULL ELSE now() + make_interval(secs => ?) END, ?)"
            + " RETURNING " + TopologyChangeMapper.COLUMNS;
    private static final String CLAIM = """
            UPDATE pending_changes SET lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?)
            WHERE change_id = (SELECT change_id FROM pending_changes
                               WHERE status = 'IN_PROGRESS' AND (lease_expires_at IS NULL OR lease_expires_at <= now())
                               ORDER BY started_at, change_id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING\s""" + TopologyChangeMapper.COLUMNS;
    private static final String CHECKPOINT = """
            UPDATE pending_changes SET progress = jsonb_set(progress, '{streams}', CAST(? AS jsonb)), updated_at = ?,
                   lease_expires_at = now() + make_interval(secs => ?)
            WHERE change_id = ? AND status = 'IN_PROGRESS' AND lease_owner = ?""";
    private static final String RENEW = """
            UPDATE pending_changes SET lease_expires_at = now() + make_interval(secs => ?)
            WHERE change_id = ? AND status = 'IN_PROGRESS' AND lease_owner = ?""";
    /**
     * The change, if {@code owner} holds it, locked until the transaction ends: a take-over under way
     * is waited for (and then seen), and none can commit before this transaction does.
     */
    private static final String HOLDER = "SELECT node_id, tenant_id FROM pending_changes"
            + " WHERE change_id = ? AND status = 'IN_PROGRESS' AND lease_owner = ? FOR UPDATE";
    private static final String END = """
            UPDATE pending_changes SET status = ?, progress = jsonb_set(progress, '{streams}', CAST(? AS jsonb)),
                   updated_at = ?, completed_at = ?, error_message = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE change_id = ? AND status = 'IN_PROGRESS' AND lease_owner = ?
            RETURNING\s""" + TopologyChangeMapper.COLUMNS;
    private static final String SET_STATE = "UPDATE storage_nodes SET state = ?, updated_at = ? WHERE node_id = ?";
    private static final String LOCK_TENANT = "SELECT 1 FROM tenants WHERE tenant_id = ? FOR UPDATE";
    // COMPLETED: the pending RF becomes the RF; otherwise it is dropped
    private static final String END_REPLICATION = """
            UPDATE tenants SET replication_factor = CASE WHEN ? THEN coalesce(pending_replication_factor, ?)
                                                         ELSE replication_factor END,
                   pending_replication_factor = NULL, updated_at = ?, version = version + 1
            WHERE tenant_id = ?""";

    /** Unwinds a transaction whose condition no longer held; nothing it did is kept. */
    static class ConditionFailed extends RuntimeException {
        ConditionFailed() {
            super(null, null, false, false);
        }
    }

    /** Unwinds a start that a cleanup deleting a conflicting range, or a repair run, refuses. */
    private static final class Refused extends ConditionFailed {
        private final Start answer;

        Refused(Start answer) {
            this.answer = answer;
        }
    }

    private final DataSource dataSource;

    public PostgresChangeStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public Start start(TopologyChange change, List<RangeRelease> releases, StorageNode node, long expectedEpoch,
                       String owner, Duration lease) {
        if (change.ringEpoch() != expectedEpoch + 1 || !change.node().equals(Optional.of(node.id()))) {
            throw new IllegalArgumentException("change " + change.id() + " must carry its node and the epoch it introduces");
        }
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                if (!storeNode(connection, node)) {
                    throw new ConditionFailed();
                }
                if (!bumpIf(connection, expectedEpoch)) {
                    throw new ConditionFailed();
                }
                refuseIfACleanupDeletes(connection, change);
                refuseIfARepairRuns(connection, change);
                TopologyChange stored = insert(connection, change, owner, lease);
                RangeCleanupMapper.insert(connection, change.id(), releases);
                return new Start.Started(stored, expectedEpoch + 1);
            });
        } catch (Refused refused) {
            return refused.answer;
        } catch (ConditionFailed moved) {
            return new Start.EpochMoved(epoch());
        } catch (SQLException e) {
            throw failure(change.id(), "could not start change " + change.id(), e);
        }
    }

    @Override
    public Start startReplication(TopologyChange change, List<RangeRelease> releases, Tenant tenant,
                                  long expectedTenantVersion, long expectedEpoch, String owner, Duration lease) {
        if (change.ringEpoch() != expectedEpoch + 1
                || !change.replication().map(r -> r.tenant().equals(tenant.id())).orElse(false)) {
            throw new IllegalArgumentException("change " + change.id() + " must carry its tenant and the epoch it introduces");
        }
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                // the tenant row before the epoch row, as the topology store locks node then epoch
                try (PreparedStatement update = connection.prepareStatement(PostgresTenantStore.UPDATE_IF_VERSION)) {
                    PostgresTenantStore.bindUpdate(update, tenant, expectedTenantVersion);
                    try (ResultSet applied = update.executeQuery()) {
                        if (!applied.next()) {
                            throw new ConditionFailed();
                        }
                    }
                }
                if (!bumpIf(connection, expectedEpoch)) {
                    throw new ConditionFailed();
                }
                refuseIfACleanupDeletes(connection, change);
                refuseIfARepairRuns(connection, change);
                TopologyChange stored = insert(connection, change, owner, lease);
                RangeCleanupMapper.insert(connection, change.id(), releases);
                return new Start.Started(stored, expectedEpoch + 1);
            });
        } catch (Refused refused) {
            return refused.answer;
        } catch (ConditionFailed moved) {
            return new Start.EpochMoved(epoch());
        } catch (SQLException e) {
            throw failure(change.id(), "could not start change " + change.id(), e);
        }
    }

    /**
     * Called holding the epoch row's lock, which a cleanup takes before it marks a range as being
     * deleted: so either the mark is committed and seen here, or the cleanup sees the epoch moved.
     */
    private static void refuseIfACleanupDeletes(Connection connection, TopologyChange change) throws SQLException {
        for (RangeCleanup deleting : RangeCleanupMapper.deleting(connection)) {
            Optional<String> reason = ChangeConflicts.withCleanup(change, deleting.change(), deleting.release());
            if (reason.isPresent()) {
                throw new Refused(new Start.CleanupRunning(deleting.change(), reason.get()));
            }
        }
    }

    /**
     * Called holding the epoch row's lock, which a repair run takes before it begins (see
     * {@link PostgresRepairStore}): so either the run is committed and seen here, or the run sees
     * the epoch moved.
     */
    private static void refuseIfARepairRuns(Connection connection, TopologyChange change) throws SQLException {
        for (RepairRun run : RepairRunMapper.leased(connection)) {
            Optional<String> reason = ChangeConflicts.withRepair(change, run);
            if (reason.isPresent()) {
                throw new Refused(new Start.RepairRunning(run.id(), reason.get()));
            }
        }
    }

    /** Inserts the change, leased to {@code owner} if it is in progress; returns it as stored. */
    private static TopologyChange insert(Connection connection, TopologyChange change, String owner, Duration lease)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_CHANGE)) {
            TopologyChangeMapper.bind(insert, change);
            String leaseOwner = change.inProgress() ? owner : null;
            insert.setString(11, leaseOwner);
            insert.setString(12, leaseOwner);
            insert.setDouble(13, seconds(lease));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return TopologyChangeMapper.toChange(row);
            }
        }
    }

    /** Inserts the node, or replaces its row; false when another insert of the same id got there first. */
    private static boolean storeNode(Connection connection, StorageNode node) throws SQLException {
        boolean exists;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_NODE)) {
            lock.setString(1, node.id().value());
            try (ResultSet row = lock.executeQuery()) {
                exists = row.next();
            }
        }
        if (!exists) {
            try (PreparedStatement insert = connection.prepareStatement(INSERT_NODE)) {
                StorageNodeMapper.bind(insert, node);
                return insert.executeUpdate() == 1;
            }
        }
        try (PreparedStatement update = connection.prepareStatement(REPLACE_NODE)) {
            update.setString(1, node.host());
            update.setInt(2, node.port());
            update.setInt(3, node.virtualNodes());
            update.setString(4, node.state().name());
            update.setString(5, node.liveness().name());
            update.setObject(6, Jdbc.toTimestamp(node.createdAt()));
            update.setObject(7, Jdbc.toTimestamp(node.updatedAt()));
            update.setString(8, node.id().value());
            update.executeUpdate();
        }
        return true;
    }

    /** Moves the ring epoch on by one, and locks its row, if it is still {@code expectedEpoch}. */
    static boolean bumpIf(Connection connection, long expectedEpoch) throws SQLException {
        try (PreparedStatement bump = connection.prepareStatement(BUMP_IF)) {
            bump.setLong(1, expectedEpoch);
            try (ResultSet row = bump.executeQuery()) {
                return row.next();
            }
        }
    }

    private long epoch() {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement(EPOCH); ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("ring epoch", "could not read the ring epoch (table ring_epoch)", e);
        }
    }

    @Override
    public Optional<TopologyChange> find(ChangeId id) {
        List<TopologyChange> found = query(SELECT + " WHERE change_id = ?", "change " + id, s -> s.setString(1, id.value()));
        return found.stream().findFirst();
    }

    @Override
    public List<TopologyChange> list(int limit) {
        return query(SELECT + " ORDER BY started_at DESC, change_id DESC LIMIT ?", "changes", s -> s.setInt(1, limit));
    }

    @Override
    public List<TopologyChange> inProgress() {
        return query(SELECT + " WHERE status = 'IN_PROGRESS' ORDER BY started_at, change_id", "changes", s -> {
        });
    }

    @Override
    public Optional<TopologyChange> claimAbandoned(String owner, Duration lease) {
        List<TopologyChange> claimed = query(CLAIM, "changes", s -> {
            s.setString(1, owner);
            s.setDouble(2, seconds(lease));
        });
        return claimed.stream().findFirst();
    }

    @Override
    public Held checkpoint(ChangeId id, String owner, List<RangeStream> streams, Instant at, Duration lease) {
        return whileHeld(CHECKPOINT, id, "could not checkpoint change " + id, s -> {
            s.setString(1, TopologyChangeMapper.streams(streams));
            s.setObject(2, Jdbc.toTimestamp(at));
            s.setDouble(3, seconds(lease));
            s.setString(4, id.value());
            s.setString(5, owner);
        });
    }

    @Override
    public Held renew(ChangeId id, String owner, Duration lease) {
        return whileHeld(RENEW, id, "could not renew the lease on change " + id, s -> {
            s.setDouble(1, seconds(lease));
            s.setString(2, id.value());
            s.setString(3, owner);
        });
    }

    /** Runs an update that applies only while its owner holds the change's lease. */
    private Held whileHeld(String sql, ChangeId id, String what, Binder binder) {
        try {
            int updated = Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(sql)) {
                    binder.bind(s);
                    return s.executeUpdate();
                }
            });
            return updated == 1 ? Held.HELD : Held.LOST;
        } catch (SQLException e) {
            throw failure(id, what, e);
        }
    }

    @Override
    public HandOver handOver(ChangeId id, String owner, NodeState nodeState, Instant at) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                String node;
                try (PreparedStatement s = connection.prepareStatement(HOLDER)) {
                    s.setString(1, id.value());
                    s.setString(2, owner);
                    try (ResultSet row = s.executeQuery()) {
                        if (!row.next()) {
                            throw new ConditionFailed();
                        }
                        node = row.getString(1);
                    }
                }
                if (node == null) {
                    throw new IllegalArgumentException("change " + id + " is a replication factor change; only a node"
                            + " change hands over");
                }
                String before;
                try (PreparedStatement lock = connection.prepareStatement(LOCK_NODE)) {
                    lock.setString(1, node);
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        before = row.getString(1);
                    }
                }
                if (nodeState.name().equals(before)) {
                    try (PreparedStatement s = connection.prepareStatement(EPOCH); ResultSet row = s.executeQuery()) {
                        row.next();
                        return new HandOver.HandedOver(row.getLong(1));
                    }
                }
                try (PreparedStatement s = connection.prepareStatement(SET_STATE)) {
                    s.setString(1, nodeState.name());
                    s.setObject(2, Jdbc.toTimestamp(at));
                    s.setString(3, node);
                    s.executeUpdate();
                }
                try (PreparedStatement bump = connection.prepareStatement(BUMP); ResultSet row = bump.executeQuery()) {
                    row.next();
                    return new HandOver.HandedOver(row.getLong(1));
                }
            });
        } catch (ConditionFailed lost) {
            return new HandOver.LeaseLost();
        } catch (SQLException e) {
            throw failure(id, "could not hand change " + id + " over", e);
        }
    }

    @Override
    public Finish finish(ChangeId id, String owner, Optional<NodeState> nodeState, ChangeStatus status,
                         Optional<String> error, List<RangeStream> streams, Instant at) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException("a change ends COMPLETED, FAILED or ROLLED_BACK, not " + status);
        }
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                String node;
                String tenant;
                try (PreparedStatement s = connection.prepareStatement(HOLDER)) {
                    s.setString(1, id.value());
                    s.setString(2, owner);
                    try (ResultSet row = s.executeQuery()) {
                        if (!row.next()) {
                            throw new ConditionFailed();
                        }
                        node = row.getString(1);
                        tenant = row.getString(2);
                    }
                }
                if ((node != null) != nodeState.isPresent()) {
                    throw new IllegalArgumentException("change " + id + " is a " + (node != null ? "node" : "replication factor")
                            + " change; it ends " + (node != null ? "with" : "without") + " a node state");
                }
                try (PreparedStatement lock = connection.prepareStatement(node != null ? LOCK_NODE : LOCK_TENANT)) {
                    lock.setString(1, node != null ? node : tenant);
                    lock.executeQuery().close();
                }
                TopologyChange ended;
                try (PreparedStatement s = connection.prepareStatement(END)) {
                    s.setString(1, status.name());
                    s.setString(2, TopologyChangeMapper.streams(streams));
                    s.setObject(3, Jdbc.toTimestamp(at));
                    s.setObject(4, Jdbc.toTimestamp(at));
                    s.setString(5, Jdbc.message(error.orElse(null)));
                    s.setString(6, id.value());
                    s.setString(7, owner);
                    try (ResultSet row = s.executeQuery()) {
                        if (!row.next()) {
                            throw new ConditionFailed();
                        }
                        ended = TopologyChangeMapper.toChange(row);
                    }
                }
                if (node != null) {
                    try (PreparedStatement s = connection.prepareStatement(SET_STATE)) {
                        s.setString(1, nodeState.orElseThrow().name());
                        s.setObject(2, Jdbc.toTimestamp(at));
                        s.setString(3, node);
                        s.executeUpdate();
                    }
                } else {
                    try (PreparedStatement s = connection.prepareStatement(END_REPLICATION)) {
                        s.setBoolean(1, status == ChangeStatus.COMPLETED);
                        s.setInt(2, ended.replication().orElseThrow().to());
                        s.setObject(3, Jdbc.toTimestamp(at));
                        s.setString(4, tenant);
                        s.executeUpdate();
                    }
                }
                try (PreparedStatement bump = connection.prepareStatement(BUMP); ResultSet row = bump.executeQuery()) {
                    row.next();
                    return new Finish.Finished(ended, row.getLong(1));
                }
            });
        } catch (ConditionFailed lost) {
            return new Finish.LeaseLost();
        } catch (SQLException e) {
            throw failure(id, "could not end change " + id, e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private List<TopologyChange> query(String sql, String what, Binder binder) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement s = connection.prepareStatement(sql)) {
                    binder.bind(s);
                    try (ResultSet rows = s.executeQuery()) {
                        List<TopologyChange> changes = new ArrayList<>();
                        while (rows.next()) {
                            changes.add(TopologyChangeMapper.toChange(rows));
                        }
                        return changes;
                    }
                }
            });
        } catch (SQLException e) {
            throw new PairDbException(what, "could not read " + what + " (table pending_changes)", e);
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static PairDbException failure(ChangeId id, String message, SQLException cause) {
        String text = message + " (tables pending_changes, storage_nodes, ring_epoch)";
        return Jdbc.refusesTheData(cause) ? new PermanentFailureException("change " + id, text + ": " + cause.getMessage(),
                cause) : new PairDbException("change " + id, text, cause);
    }
}
