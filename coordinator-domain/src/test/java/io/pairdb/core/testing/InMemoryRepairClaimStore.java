package io.pairdb.core.testing;

import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The repair schedule's claims in memory; leases run on the given clock. */
public final class InMemoryRepairClaimStore implements RepairClaimStore {
    private final Clock clock;
    private final Map<TenantId, Instant> repaired = new HashMap<>();
    private final Map<TenantId, Lease> claims = new HashMap<>();

    public InMemoryRepairClaimStore(Clock clock) {
        this.clock = clock;
    }

    /** Lets every claim taken so far run out. */
    public synchronized void expireClaims() {
        claims.replaceAll((tenant, lease) -> new Lease(lease.owner(), Instant.MIN));
    }

    @Override
    public synchronized Map<TenantId, Instant> lastRepaired() {
        return Map.copyOf(repaired);
    }

    @Override
    public synchronized Claim claim(TenantId tenant, String owner, Instant dueIfRepairedBefore, Duration lease) {
        Instant last = repaired.get(tenant);
        if (last != null && !last.isBefore(dueIfRepairedBefore)) {
            return new Claim.NotDue(last);
        }
        Optional<Lease> held = live(tenant).filter(l -> !l.owner().equals(owner));
        if (held.isPresent()) {
            return new Claim.Held(held.get().owner());
        }
        claims.put(tenant, new Lease(owner, clock.now().plus(lease)));
        return new Claim.Claimed();
    }

    @Override
    public synchronized ChangeStore.Held renew(TenantId tenant, String owner, Duration lease) {
        if (live(tenant).filter(l -> l.owner().equals(owner)).isEmpty()) {
            return ChangeStore.Held.LOST;
        }
        claims.put(tenant, new Lease(owner, clock.now().plus(lease)));
        return ChangeStore.Held.HELD;
    }

    @Override
    public synchronized ChangeStore.Held repaired(TenantId tenant, String owner, Instant repairedAsOf) {
        Lease claim = claims.get(tenant);
        if (claim == null || !claim.owner().equals(owner)) {
            return ChangeStore.Held.LOST;
        }
        repaired.merge(tenant, repairedAsOf, (a, b) -> a.isAfter(b) ? a : b);
        claims.remove(tenant);
        return ChangeStore.Held.HELD;
    }

    @Override
    public synchronized void release(TenantId tenant, String owner) {
        claims.computeIfPresent(tenant, (t, lease) -> lease.owner().equals(owner) ? null : lease);
    }

    private Optional<Lease> live(TenantId tenant) {
        return Optional.ofNullable(claims.get(tenant)).filter(l -> l.expiresAt().isAfter(clock.now()));
    }
}
