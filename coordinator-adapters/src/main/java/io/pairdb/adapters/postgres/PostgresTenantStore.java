package io.pairdb.adapters.postgres;

import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.pairdb.core.PairDbException;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Tenants in PostgreSQL. Reads go through the Micronaut Data repository; the two writes are
 * plain SQL because each must decide and act in one statement: insert-unless-present (with the
 * ring epoch bump that goes with a new tenant) and compare-and-set on {@code version}.
 */
@Singleton
public final class PostgresTenantStore implements TenantStore {
    private static final String INSERT = "INSERT INTO tenants (" + TenantMapper.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (tenant_id) DO NOTHING";
    static final String UPDATE_IF_VERSION = "UPDATE tenants"
            + " SET replication_factor = ?, pending_replication_factor = ?, created_at = ?, updated_at = ?, version = ?,"
            + " speculation = ?, ops_per_second = ?, bytes_per_second = ? WHERE tenant_id = ? AND version = ?"
            + " RETURNING " + TenantMapper.COLUMNS;
    private static final String BUMP_EPOCH = "UPDATE ring_epoch SET epoch = epoch + 1";
    private static final String SELECT = "SELECT " + TenantMapper.COLUMNS + " FROM tenants WHERE tenant_id = ?";

    private final TenantRepository repository;
    private final DataSource dataSource;

    public PostgresTenantStore(TenantRepository repository, DataSource dataSource) {
        this.repository = repository;
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public InsertOutcome insert(Tenant tenant) {
        return insert(tenant, OptionalLong.empty());
    }

    @Override
    public InsertOutcome insertAt(Tenant tenant, long ringEpoch) {
        return insert(tenant, OptionalLong.of(ringEpoch));
    }

    /** Inserts the tenant and bumps the ring epoch in one transaction, if the epoch is still {@code ringEpoch} when given. */
    private InsertOutcome insert(Tenant tenant, OptionalLong ringEpoch) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    TenantMapper.bind(insert, tenant);
                    if (insert.executeUpdate() == 0) {
                        return InsertOutcome.ALREADY_EXISTS;
                    }
                }
                // the tenant row before the epoch row, as every change locks them
                if (ringEpoch.isEmpty()) {
                    try (PreparedStatement bump = connection.prepareStatement(BUMP_EPOCH)) {
                        bump.executeUpdate();
                    }
                } else if (!PostgresChangeStore.bumpIf(connection, ringEpoch.getAsLong())) {
                    throw new PostgresChangeStore.ConditionFailed();
                }
                return InsertOutcome.INSERTED;
            });
        } catch (PostgresChangeStore.ConditionFailed moved) {
            return InsertOutcome.RING_MOVED;
        } catch (SQLException e) {
            throw failure(tenant.id(), "could not insert tenant " + tenant.id(), e);
        }
    }

    @Override
    public Optional<Tenant> find(TenantId id) {
        try {
            return repository.findById(id.value()).map(TenantMapper::toTenant);
        } catch (DataAccessException | ConnectionException | CannotGetJdbcConnectionException e) {
            throw failure(id, "could not read tenant " + id, e);
        }
    }

    @Override
    public List<Tenant> list() {
        try {
            return repository.listOrderByTenantId().stream().map(TenantMapper::toTenant).toList();
        } catch (DataAccessException | ConnectionException | CannotGetJdbcConnectionException e) {
            throw new PairDbException("tenants", "could not list tenants", e);
        }
    }

    @Override
    public Optional<Tenant> update(Tenant updated, long expectedVersion) {
        return updateIfVersion(updated, expectedVersion, false);
    }

    @Override
    public Optional<Tenant> updateAndBumpEpoch(Tenant updated, long expectedVersion) {
        return updateIfVersion(updated, expectedVersion, true);
    }

    private Optional<Tenant> updateIfVersion(Tenant updated, long expectedVersion, boolean bumpEpoch) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> updateIfVersion(connection, updated, expectedVersion, bumpEpoch));
        } catch (SQLException e) {
            throw failure(updated.id(), "could not update tenant " + updated.id(), e);
        }
    }

    /** The compare-and-set of {@link #update}; when applied and {@code bumpEpoch}, the epoch row after the tenant row. */
    private static Optional<Tenant> updateIfVersion(Connection connection, Tenant updated, long expectedVersion,
                                                    boolean bumpEpoch) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE_IF_VERSION)) {
            bindUpdate(update, updated, expectedVersion);
            try (ResultSet applied = update.executeQuery()) {
                if (applied.next()) {
                    Tenant stored = TenantMapper.toTenant(applied);
                    if (bumpEpoch) {
                        try (PreparedStatement bump = connection.prepareStatement(BUMP_EPOCH)) {
                            bump.executeUpdate();
                        }
                    }
                    return Optional.of(stored);
                }
            }
        }
        // stale or absent: a new statement sees the latest committed row, which is what
        // the caller needs to retry against
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            select.setString(1, updated.id().value());
            try (ResultSet current = select.executeQuery()) {
                return current.next() ? Optional.of(TenantMapper.toTenant(current)) : Optional.empty();
            }
        }
    }

    /** The parameters of {@link #UPDATE_IF_VERSION}; a change store replaces tenant rows the same way. */
    static void bindUpdate(PreparedStatement update, Tenant updated, long expectedVersion) throws SQLException {
        update.setInt(1, updated.replicationFactor());
        update.setObject(2, updated.pendingReplicationFactor().orElse(null), java.sql.Types.INTEGER);
        update.setObject(3, Jdbc.toTimestamp(updated.createdAt()));
        update.setObject(4, Jdbc.toTimestamp(updated.updatedAt()));
        update.setLong(5, updated.version());
        update.setString(6, updated.speculation().map(SpeculationPolicy::text).orElse(null));
        update.setLong(7, updated.quota().opsPerSecond());
        update.setLong(8, updated.quota().bytesPerSecond());
        update.setString(9, updated.id().value());
        update.setLong(10, expectedVersion);
    }

    private static PairDbException failure(TenantId id, String message, Exception cause) {
        return new PairDbException("tenant " + id, message + " (table tenants)", cause);
    }
}
