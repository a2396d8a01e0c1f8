package io.pairdb.adapters.postgres;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/** {@code storage_nodes} rows ↔ {@link StorageNode}; enums are stored by name. */
final class StorageNodeMapper {
    static final String COLUMNS = "node_id, host, port, virtual_nodes, state, liveness, created_at, updated_at";

    private StorageNodeMapper() {
    }

    static StorageNode toNode(ResultSet row) throws SQLException {
        return new StorageNode(new NodeId(row.getString("node_id")), row.getString("host"), row.getInt("port"),
                row.getInt("virtual_nodes"), NodeState.valueOf(row.getString("state")),
                Liveness.valueOf(row.getString("liveness")),
                Jdbc.toInstant(row.getObject("created_at", OffsetDateTime.class)),
                Jdbc.toInstant(row.getObject("updated_at", OffsetDateTime.class)));
    }

    /** Binds the columns in {@link #COLUMNS} order, starting at parameter 1. */
    static void bind(PreparedStatement statement, StorageNode node) throws SQLException {
        statement.setString(1, node.id().value());
        statement.setString(2, node.host());
        statement.setInt(3, node.port());
        statement.setInt(4, node.virtualNodes());
        statement.setString(5, node.state().name());
        statement.setString(6, node.liveness().name());
        statement.setObject(7, Jdbc.toTimestamp(node.createdAt()));
        statement.setObject(8, Jdbc.toTimestamp(node.updatedAt()));
    }
}
