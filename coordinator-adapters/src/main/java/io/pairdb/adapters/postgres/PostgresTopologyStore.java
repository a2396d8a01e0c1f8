package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.node.Topology;
import io.pairdb.core.port.TopologyStore;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Storage nodes and the ring epoch in PostgreSQL. A membership change and its epoch bump
 * commit together; the {@code ring_epoch} trigger turns every bump into a
 * {@code NOTIFY pairdb_ring_epoch}. Writers lock the node row before the epoch row, always in
 * that order, so concurrent changes queue on the epoch instead of deadlocking.
 */
@Singleton
public final class PostgresTopologyStore implements TopologyStore {
    // one statement is one snapshot: the epoch and the nodes always belong together
    private static final String LOAD = "SELECT e.epoch, " + prefixed("n.", StorageNodeMapper.COLUMNS)
            + " FROM ring_epoch e LEFT JOIN storage_nodes n ON true ORDER BY n.node_id";
    private static final String EPOCH = "SELECT epoch FROM ring_epoch";
    private static final String BUMP = "UPDATE ring_epoch SET epoch = epoch + 1 RETURNING epoch";
    private static final String INSERT = "INSERT INTO storage_nodes (" + StorageNodeMapper.COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node_id) DO NOTHING";
    private static final String SELECT = "SELECT " + StorageNodeMapper.COLUMNS + " FROM storage_nodes WHERE node_id = ?";
    private static final String LOCK_STATE = "SELECT state FROM storage_nodes WHERE node_id = ? FOR UPDATE";
    private static final String UPDATE = "UPDATE storage_nodes SET host = ?, port = ?, virtual_nodes = ?, state = ?,"
            + " liveness = ?, created_at = ?, updated_at = ? WHERE node_id = ?";

    private final DataSource dataSource;

    public PostgresTopologyStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public Topology load() {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement load = connection.prepareStatement(LOAD);
                     ResultSet rows = load.executeQuery()) {
                    long epoch = 0;
                    List<StorageNode> nodes = new ArrayList<>();
                    while (rows.next()) {
                        epoch = rows.getLong("epoch");
                        if (rows.getString("node_id") != null) {
                            nodes.add(StorageNodeMapper.toNode(rows));
                        }
                    }
                    return new Topology(epoch, nodes);
                }
            });
        } catch (SQLException e) {
            throw new PairDbException("topology", "could not load the topology (tables storage_nodes, ring_epoch)", e);
        }
    }

    @Override
    public long epoch() {
        try {
            return Jdbc.autoCommit(dataSource, PostgresTopologyStore::currentEpoch);
        } catch (SQLException e) {
            throw new PairDbException("ring epoch", "could not read the ring epoch (table ring_epoch)", e);
        }
    }

    @Override
    public InsertOutcome insert(StorageNode node) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    StorageNodeMapper.bind(insert, node);
                    if (insert.executeUpdate() == 0) {
                        return InsertOutcome.ALREADY_EXISTS;
                    }
                }
                bumpEpoch(connection);
                return InsertOutcome.INSERTED;
            });
        } catch (SQLException e) {
            throw failure(node.id(), "could not register node " + node.id(), e);
        }
    }

    @Override
    public Optional<StorageNode> find(NodeId id) {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement(SELECT)) {
                    select.setString(1, id.value());
                    try (ResultSet row = select.executeQuery()) {
                        return row.next() ? Optional.of(StorageNodeMapper.toNode(row)) : Optional.empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw failure(id, "could not read node " + id, e);
        }
    }

    @Override
    public Optional<Long> update(StorageNode node) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                NodeState before;
                // the row lock makes "did the state change?" and the epoch bump one decision
                try (PreparedStatement lock = connection.prepareStatement(LOCK_STATE)) {
                    lock.setString(1, node.id().value());
                    try (ResultSet row = lock.executeQuery()) {
                        if (!row.next()) {
                            return Optional.empty();
                        }
                        before = NodeState.valueOf(row.getString("state"));
                    }
                }
                try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
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
                return Optional.of(before != node.state() ? bumpEpoch(connection) : currentEpoch(connection));
            });
        } catch (SQLException e) {
            throw failure(node.id(), "could not update node " + node.id(), e);
        }
    }

    private static long currentEpoch(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(EPOCH);
             ResultSet row = select.executeQuery()) {
            return single(row);
        }
    }

    private static long bumpEpoch(Connection connection) throws SQLException {
        try (PreparedStatement bump = connection.prepareStatement(BUMP);
             ResultSet row = bump.executeQuery()) {
            return single(row);
        }
    }

    private static long single(ResultSet row) throws SQLException {
        if (!row.next()) {
            // V1 seeds the row and nothing deletes it
            throw new SQLException("ring_epoch has no row; was the schema migrated?");
        }
        return row.getLong(1);
    }

    private static String prefixed(String prefix, String columns) {
        return prefix + String.join(", " + prefix, columns.split(", "));
    }

    private static PairDbException failure(NodeId id, String message, SQLException cause) {
        return new PairDbException("node " + id, message + " (tables storage_nodes, ring_epoch)", cause);
    }
}
