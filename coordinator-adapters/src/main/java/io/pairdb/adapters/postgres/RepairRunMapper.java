package io.pairdb.adapters.postgres;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.repair.RepairRun;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows of {@code repair_runs} to {@link RepairRun}s: the one place they are translated. */
final class RepairRunMapper {
    static final String COLUMNS = "run_id, tenant_id, node_id, dry_run, state, ring_epoch, ranges_total, ranges_done,"
            + " keys_repaired, bytes_moved, started_at, finished_at, lease_owner, lease_expires_at";
    /** Runs that hold changes back now: RUNNING, under a lease that has not run out by PostgreSQL's clock. */
    private static final String LEASED = "SELECT " + COLUMNS + " FROM repair_runs"
            + " WHERE state = 'RUNNING' AND lease_expires_at > now() ORDER BY seq";

    private RepairRunMapper() {
    }

    static RepairRun toRun(ResultSet row) throws SQLException {
        OffsetDateTime finished = row.getObject("finished_at", OffsetDateTime.class);
        String owner = row.getString("lease_owner");
        Optional<Lease> lease = owner == null ? Optional.empty()
                : Optional.of(new Lease(owner, Jdbc.toInstant(row.getObject("lease_expires_at", OffsetDateTime.class))));
        return new RepairRun(row.getString("run_id"), Optional.ofNullable(row.getString("tenant_id")).map(TenantId::new),
                Optional.ofNullable(row.getString("node_id")).map(NodeId::new), row.getBoolean("dry_run"),
                RepairRun.State.valueOf(row.getString("state")), row.getLong("ring_epoch"), row.getInt("ranges_total"),
                row.getInt("ranges_done"), row.getLong("keys_repaired"), row.getLong("bytes_moved"),
                Jdbc.toInstant(row.getObject("started_at", OffsetDateTime.class)),
                Optional.ofNullable(finished).map(Jdbc::toInstant), lease);
    }

    static List<RepairRun> leased(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(LEASED); ResultSet rows = s.executeQuery()) {
            List<RepairRun> runs = new ArrayList<>();
            while (rows.next()) {
                runs.add(toRun(rows));
            }
            return runs;
        }
    }
}
