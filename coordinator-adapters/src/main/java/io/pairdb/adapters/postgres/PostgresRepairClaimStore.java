package io.pairdb.adapters.postgres;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.tenant.TenantId;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The repair schedule in {@code repair_schedule}: one row per tenant ever claimed, with as of when
 * its whole ring was repaired at the end of its last scheduled run, and its claim. A claim locks the tenant's row, so concurrent claims are decided
 * one after the other. Leases are timed by PostgreSQL's clock.
 */
@Singleton
public final class PostgresRepairClaimStore implements RepairClaimStore {
    private static final String ENSURE = "INSERT INTO repair_schedule (tenant_id) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String LOCK = "SELECT last_repaired_at, claim_owner, claim_expires_at > now()"
            + " FROM repair_schedule WHERE tenant_id = ? FOR UPDATE";
    private static final String TAKE = "UPDATE repair_schedule SET claim_owner = ?,"
            + " claim_expires_at = now() + make_interval(secs => ?) WHERE tenant_id = ?";
    private static final String RENEW = "UPDATE repair_schedule SET claim_expires_at = now() + make_interval(secs => ?)"
            + " WHERE tenant_id = ? AND claim_owner = ? AND claim_expires_at > now()";
    private static final String REPAIRED = "UPDATE repair_schedule SET last_repaired_at = GREATEST(last_repaired_at, ?),"
            + " claim_owner = NULL, claim_expires_at = NULL WHERE tenant_id = ? AND claim_owner = ?";
    private static final String RELEASE = "UPDATE repair_schedule SET claim_owner = NULL, claim_expires_at = NULL"
            + " WHERE tenant_id = ? AND claim_owner = ?";
    private static final String LAST = "SELECT tenant_id, last_repaired_at FROM repair_schedule"
            + " WHERE last_repaired_at IS NOT NULL";

    private final DataSource dataSource;

    public PostgresRepairClaimStore(DataSource dataSource) {
        this.dataSource = Jdbc.pool(dataSource);
    }

    @Override
    public Map<TenantId, Instant> lastRepaired() {
        try {
            return Jdbc.autoCommit(dataSource, connection -> {
                Map<TenantId, Instant> last = new HashMap<>();
                try (PreparedStatement s = connection.prepareStatement(LAST); ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        last.put(new TenantId(rows.getString(1)), Jdbc.toInstant(rows.getObject(2, OffsetDateTime.class)));
                    }
                }
                return last;
            });
        } catch (SQLException e) {
            throw failure("could not read when tenants were last repaired", e);
        }
    }

    @Override
    public Claim claim(TenantId tenant, String owner, Instant dueIfRepairedBefore, Duration lease) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement ensure = connection.prepareStatement(ENSURE)) {
                    ensure.setString(1, tenant.value());
                    ensure.executeUpdate();
                }
                try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                    lock.setString(1, tenant.value());
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        OffsetDateTime last = row.getObject(1, OffsetDateTime.class);
                        if (last != null && !Jdbc.toInstant(last).isBefore(dueIfRepairedBefore)) {
                            return new Claim.NotDue(Jdbc.toInstant(last));
                        }
                        String holder = row.getString(2);
                        if (holder != null && !holder.equals(owner) && row.getBoolean(3)) {
                            return new Claim.Held(holder);
                        }
                    }
                }
                try (PreparedStatement take = connection.prepareStatement(TAKE)) {
                    take.setString(1, owner);
                    take.setDouble(2, Jdbc.seconds(lease));
                    take.setString(3, tenant.value());
                    take.executeUpdate();
                }
                return new Claim.Claimed();
            });
        } catch (SQLException e) {
            throw failure("could not claim the repair of tenant " + tenant, e);
        }
    }

    @Override
    public ChangeStore.Held renew(TenantId tenant, String owner, Duration lease) {
        return update("could not renew the repair claim on tenant " + tenant, RENEW, s -> {
            s.setDouble(1, Jdbc.seconds(lease));
            s.setString(2, tenant.value());
            s.setString(3, owner);
        });
    }

    @Override
    public ChangeStore.Held repaired(TenantId tenant, String owner, Instant repairedAsOf) {
        return update("could not record the repair of tenant " + tenant, REPAIRED, s -> {
            s.setObject(1, Jdbc.toTimestamp(repairedAsOf));
            s.setString(2, tenant.value());
            s.setString(3, owner);
        });
    }

    @Override
    public void release(TenantId tenant, String owner) {
        update("could not release the repair claim on tenant " + tenant, RELEASE, s -> {
            s.setString(1, tenant.value());
            s.setString(2, owner);
        });
    }

    private ChangeStore.Held update(String what, String sql, Jdbc.Binder binder) {
        try {
            return Jdbc.updateHeld(dataSource, sql, binder);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static PairDbException failure(String message, SQLException cause) {
        return new PairDbException("repair schedule", message + " (table repair_schedule)", cause);
    }
}
