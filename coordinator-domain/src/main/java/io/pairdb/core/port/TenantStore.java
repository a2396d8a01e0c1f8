package io.pairdb.core.port;

import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Durable tenant records, shared by every coordinator. Thread-safe. Every method either
 * completes or throws {@link io.pairdb.core.PairDbException} when the store cannot be
 * reached; a thrown call may or may not have been applied.
 */
public interface TenantStore {
    enum InsertOutcome {
        INSERTED,
        ALREADY_EXISTS,
        /** {@link #insertAt}: the ring epoch was no longer the one given; nothing was stored. */
        RING_MOVED
    }

    /**
     * Inserts the tenant unless one with the same id exists, and with it bumps the ring epoch of the
     * {@link TopologyStore} (one transaction): routing depends on the tenants and their RFs, so a
     * change planned against the tenants before sees the epoch move and plans again, and a
     * coordinator that loads the tenant can tell it must serve at least that epoch. Not idempotent
     * in its answer.
     */
    InsertOutcome insert(Tenant tenant);

    /**
     * Like {@link #insert}, only while the ring epoch is still {@code ringEpoch}, the one the
     * tenant's RF was checked against (one transaction with the epoch bump): a topology change
     * started since (a decommission that leaves fewer nodes than the RF) moved the epoch, and the
     * answer is {@link InsertOutcome#RING_MOVED} with nothing stored. An existing tenant is
     * {@link InsertOutcome#ALREADY_EXISTS} whatever the epoch.
     */
    InsertOutcome insertAt(Tenant tenant, long ringEpoch);

    Optional<Tenant> find(TenantId id);

    /** Every tenant, ordered by id. */
    List<Tenant> list();

    /**
     * Replaces the tenant if the stored version equals {@code expectedVersion}
     * (optimistic locking). Returns the stored tenant after the call: the new one when it
     * was applied, the current one when the version did not match, empty when absent.
     */
    Optional<Tenant> update(Tenant updated, long expectedVersion);

    /**
     * {@link #update}, and when the update is applied the ring epoch of the {@link TopologyStore} is
     * bumped with it (one transaction). Every coordinator hears of a new epoch at once (and by polling
     * at worst) and drops its cached tenants when it serves it, so a setting that each coordinator
     * enforces on its own, such as a quota, reaches them all without waiting out their cache TTL.
     * A refused update (stale version, absent tenant) leaves the epoch alone.
     */
    Optional<Tenant> updateAndBumpEpoch(Tenant updated, long expectedVersion);
}
