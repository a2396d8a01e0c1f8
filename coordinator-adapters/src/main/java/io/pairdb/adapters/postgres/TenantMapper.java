package io.pairdb.adapters.postgres;

import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** {@code tenants} rows ↔ {@link Tenant}. */
final class TenantMapper {
    static final String COLUMNS = "tenant_id, replication_factor, pending_replication_factor, created_at, updated_at,"
            + " version, speculation, ops_per_second, bytes_per_second";

    private TenantMapper() {
    }

    static Tenant toTenant(TenantRow row) {
        return new Tenant(new TenantId(row.tenantId()), row.replicationFactor(),
                Optional.ofNullable(row.pendingReplicationFactor()), row.createdAt().truncatedTo(ChronoUnit.MILLIS), row.updatedAt().truncatedTo(ChronoUnit.MILLIS),
                row.version(), speculation(row.speculation()), new TenantQuota(row.opsPerSecond(), row.bytesPerSecond()));
    }

    static Tenant toTenant(ResultSet row) throws SQLException {
        int pending = row.getInt("pending_replication_factor");
        Optional<Integer> pendingRf = row.wasNull() ? Optional.empty() : Optional.of(pending);
        return new Tenant(new TenantId(row.getString("tenant_id")), row.getInt("replication_factor"), pendingRf, Jdbc.toInstant(row.getObject("created_at", OffsetDateTime.class)),
                Jdbc.toInstant(row.getObject("updated_at", OffsetDateTime.class)),
                row.getLong("version"), speculation(row.getString("speculation")),
                new TenantQuota(row.getLong("ops_per_second"), row.getLong("bytes_per_second")));
    }

    /** A stored policy; NULL is the coordinator's default. */
    private static Optional<SpeculationPolicy> speculation(String text) {
        return Optional.ofNullable(text).map(SpeculationPolicy::parse);
    }

    /** Binds the columns in {@link #COLUMNS} order, starting at parameter 1. */
    static void bind(PreparedStatement statement, Tenant tenant) throws SQLException {
        statement.setString(1, tenant.id().value());
        statement.setInt(2, tenant.replicationFactor());
        statement.setObject(3, tenant.pendingReplicationFactor().orElse(null), java.sql.Types.INTEGER);
        statement.setObject(4, Jdbc.toTimestamp(tenant.createdAt()));
        statement.setObject(5, Jdbc.toTimestamp(tenant.updatedAt()));
        statement.setLong(6, tenant.version());
        statement.setString(7, tenant.speculation().map(SpeculationPolicy::text).orElse(null));
        statement.setLong(8, tenant.quota().opsPerSecond());
        statement.setLong(9, tenant.quota().bytesPerSecond());
    }
}
