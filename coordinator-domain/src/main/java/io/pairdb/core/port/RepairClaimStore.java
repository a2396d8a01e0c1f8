package io.pairdb.core.port;

import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The repair schedule every coordinator shares: as of when each tenant's whole ring was repaired by
 * the end of its last scheduled run (the {@link io.pairdb.core.repair.RepairHistory} then), and which
 * coordinator has claimed the tenant's next one. A claim is a lease (timed by the store's own
 * clock) that is granted only while the tenant is still due, so of several coordinators that find
 * the same tenant due, exactly one repairs it; the others are answered {@link Claim.Held} or
 * {@link Claim.NotDue}. A claim whose holder died runs out and the tenant is claimed again.
 *
 * <p>Thread-safe. Every method throws {@link io.pairdb.core.PairDbException} when the store cannot
 * be reached; a call that threw may or may not have taken effect.
 */
public interface RepairClaimStore {
    /** Outcome of {@link #claim}. */
    sealed interface Claim {
        /** Leased to the caller; repair the tenant and then record it with {@link #repaired}. */
        record Claimed() implements Claim {
        }

        /** Another coordinator holds a claim whose lease has not run out. Nothing was written. */
        record Held(String owner) implements Claim {
        }

        /** The tenant is repaired as of {@code lastRepaired}, not before the bound: nothing to do. */
        record NotDue(Instant lastRepaired) implements Claim {
        }
    }

    /**
     * As of when each tenant's whole ring was repaired, as last {@link #repaired recorded}, for every
     * tenant recorded at least once (tenants deleted since may be among them). Reads only.
     */
    Map<TenantId, Instant> lastRepaired();

    /**
     * If the tenant is repaired only as of before {@code dueIfRepairedBefore} (or was never recorded)
     * and no other owner holds an unexpired claim on it: leases the claim to {@code owner} for
     * {@code lease} from now, atomically. The caller may claim again what it holds (renewing it).
     */
    Claim claim(TenantId tenant, String owner, Instant dueIfRepairedBefore, Duration lease);

    /**
     * If {@code owner} holds the claim and its lease has not run out: extends it by {@code lease}
     * from now. {@link ChangeStore.Held#LOST} otherwise (stop repairing: another may have claimed it).
     */
    ChangeStore.Held renew(TenantId tenant, String owner, Duration lease);

    /**
     * If {@code owner} still holds the claim (its lease run out or not, as long as nobody claimed it
     * since): records that the tenant's whole ring is repaired as of {@code repairedAsOf} (kept only if
     * later than the one recorded) and releases the claim. {@link ChangeStore.Held#LOST} and nothing
     * written otherwise, so a second call answers LOST.
     */
    ChangeStore.Held repaired(TenantId tenant, String owner, Instant repairedAsOf);

    /** Gives up {@code owner}'s claim, if it holds one, without recording a repair. Idempotent. */
    void release(TenantId tenant, String owner);
}
