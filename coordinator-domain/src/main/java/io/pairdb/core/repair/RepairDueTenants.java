package io.pairdb.core.repair;

import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.Pause;
import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.StreamThrottle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The repair schedule: a tenant is due when a range of it has gone unrepaired for more than a
 * {@link RepairSchedule#period} (by the ranges repairs recorded, on demand or scheduled: the {@link
 * RepairHistory}; a token never repaired counts from the tenant's creation), and is repaired by
 * whichever coordinator claims it first in the {@link RepairClaimStore}; the others skip it. The run
 * compares only the tenant's ranges not repaired in the last half period, so the ranges of a tenant
 * stay together in one run and a range repaired meanwhile (on demand, or before a run that stopped
 * part-way) is not compared again. After the run the claim store is told as of when the tenant's whole
 * ring is now repaired, which is what its claims go by; a range that failed keeps the tenant due.
 *
 * <p>Its runs are ordinary repair runs ({@link RepairTenants}), excluding topology changes the same
 * way, paced to the schedule's bytes per second (shared by the runs of this coordinator) and stopped
 * if the claim is lost.
 */
public final class RepairDueTenants {
    /** What this coordinator did with a tenant it claimed. */
    public sealed interface Scheduled {
        TenantId tenant();

        /**
         * Every range the run chose was compared and repaired; the tenant's whole ring is now repaired
         * as of {@code repairedAsOf}.
         */
        record Repaired(TenantId tenant, Instant repairedAsOf, RepairReport report) implements Scheduled {
        }

        /**
         * Not every range the run chose was repaired ({@code why}); those that were stay recorded, the
         * claim is released and the tenant stays due.
         */
        record Incomplete(TenantId tenant, String why) implements Scheduled {
        }
    }

    private final TenantService tenants;
    private final RepairClaimStore claims;
    private final RepairTenants repair;
    private final Clock clock;
    private final Pause pause;
    private final RepairSchedule schedule;
    private final String owner;
    private final StreamThrottle throttle;
    private volatile boolean stopping;

    public RepairDueTenants(TenantService tenants, RepairClaimStore claims, RepairTenants repair, Clock clock,
                            Pause pause, RepairSchedule schedule, String owner) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.claims = Objects.requireNonNull(claims, "claims");
        this.repair = Objects.requireNonNull(repair, "repair");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.throttle = new StreamThrottle(clock, schedule.bytesPerSecond());
    }

    /**
     * The tenants due at {@code now}, the longest unrepaired first: those whose ring is repaired only
     * as of more than {@code period} before {@code now} ({@code lastRepaired}; a tenant missing from it,
     * or repaired as of before its creation, counts from its creation). None when the period is zero
     * (the schedule is off).
     */
    public static List<TenantId> due(List<Tenant> tenants, Map<TenantId, Instant> lastRepaired, Instant now,
                                     Duration period) {
        if (!period.isPositive()) {
            return List.of();
        }
        Instant bound = now.minus(period);
        return tenants.stream().filter(t -> since(t, lastRepaired).isBefore(bound))
                .sorted(Comparator.comparing((Tenant t) -> since(t, lastRepaired)).thenComparing(t -> t.id().value()))
                .map(Tenant::id).toList();
    }

    /** How long the range repaired longest ago, of any tenant, has gone unrepaired at {@code now}; empty without tenants. */
    public static Optional<Duration> oldestUnrepaired(List<Tenant> tenants, Map<TenantId, Instant> lastRepaired,
                                                      Instant now) {
        return tenants.stream().map(t -> since(t, lastRepaired)).min(Comparator.naturalOrder())
                .map(oldest -> oldest.isAfter(now) ? Duration.ZERO : Duration.between(oldest, now));
    }

    /** {@link #oldestUnrepaired} for the tenants and repairs stored now. */
    public Optional<Duration> oldestUnrepaired() {
        List<Tenant> all = tenants.list();
        return oldestUnrepaired(all, repair.oldestRepaired(all), clock.now());
    }

    private static Instant since(Tenant tenant, Map<TenantId, Instant> lastRepaired) {
        Instant repaired = lastRepaired.get(tenant.id());
        return repaired == null || repaired.isBefore(tenant.createdAt()) ? tenant.createdAt() : repaired;
    }

    /**
     * Claims and repairs each due tenant in turn, the longest unrepaired first, skipping those another
     * coordinator claimed or repaired meanwhile. Blocks while it repairs; answers what it did.
     */
    public List<Scheduled> repairDue() {
        if (!schedule.enabled()) {
            return List.of();
        }
        List<Scheduled> done = new ArrayList<>();
        List<Tenant> all = tenants.list();
        for (TenantId tenant : due(all, repair.oldestRepaired(all), clock.now(), schedule.period())) {
            if (stopping) {
                break;
            }
            Instant startedAt = clock.now();
            switch (claims.claim(tenant, owner, startedAt.minus(schedule.period()), schedule.claimLease())) {
                case RepairClaimStore.Claim.Claimed claimed -> done.add(repairClaimed(tenant, startedAt));
                case RepairClaimStore.Claim.Held held -> {
                }
                case RepairClaimStore.Claim.NotDue notDue -> {
                }
            }
        }
        return done;
    }

    /** No tenant is claimed any more and a run under way stops before its next range. For shut-down. */
    public void stop() {
        stopping = true;
        repair.stop();
    }

    private Scheduled repairClaimed(TenantId tenant, Instant startedAt) {
        boolean recorded = false;
        try {
            Optional<RepairTenants.Outcome> outcome = repair.repairOlderThan(tenant,
                    startedAt.minus(schedule.period().dividedBy(2)), new ClaimPacing(tenant));
            if (outcome.isPresent() && outcome.get() instanceof RepairTenants.Outcome.TenantNotFound) {
                return new Scheduled.Incomplete(tenant, "the tenant was deleted");
            }
            Optional<Instant> repairedAsOf = tenants.find(tenant)
                    .map(t -> repair.oldestRepaired(List.of(t)).get(tenant));
            if (repairedAsOf.isEmpty()) {
                return new Scheduled.Incomplete(tenant, "the tenant was deleted");
            }
            if (claims.repaired(tenant, owner, repairedAsOf.get()) == ChangeStore.Held.LOST) {
                return new Scheduled.Incomplete(tenant, "its claim was taken over by another coordinator meanwhile");
            }
            recorded = true;
            Optional<String> incomplete = outcome.isPresent() ? incomplete(outcome.get())
                    : repairedAsOf.get().isBefore(startedAt.minus(schedule.period()))
                    ? Optional.of("no range of it that is due has replicas to compare: the ring has fewer nodes than"
                            + " its replication factor")
                    : Optional.empty();
            if (incomplete.isPresent()) {
                return new Scheduled.Incomplete(tenant, incomplete.get());
            }
            RepairReport report = outcome.map(o -> ((RepairTenants.Outcome.Done) o).total()).orElse(RepairReport.NONE);
            return new Scheduled.Repaired(tenant, repairedAsOf.get(), report);
        } finally {
            if (!recorded) {
                claims.release(tenant, owner);
            }
        }
    }

    /** Why the run did not repair every range, or empty when it did. */
    private static Optional<String> incomplete(RepairTenants.Outcome outcome) {
        return switch (outcome) {
            case RepairTenants.Outcome.Done done -> {
                long failed = done.tenants().stream().mapToLong(t -> t.failed().size()).sum();
                yield failed == 0 ? Optional.empty() : Optional.of(failed + " ranges failed on a replica");
            }
            case RepairTenants.Outcome.TenantNotFound notFound -> Optional.of("the tenant was deleted");
            case RepairTenants.Outcome.NodeNotFound notFound -> Optional.of("node " + notFound.node() + " is unknown");
            case RepairTenants.Outcome.ChangeInFlight inFlight ->
                    Optional.of("topology change " + inFlight.change() + " is in flight");
            case RepairTenants.Outcome.TopologyChanged changed -> Optional.of("the ring moved (epoch "
                    + changed.startedAtEpoch() + " -> " + changed.nowAtEpoch() + ")");
            case RepairTenants.Outcome.LeaseLost lost -> Optional.of("its run's lease or its claim was lost");
            case RepairTenants.Outcome.HandedOver handed -> Optional.of("this coordinator is stopping");
        };
    }

    /** Keeps the claim before each range and pays for each range's bytes in time. */
    private final class ClaimPacing implements RepairTenants.Pacing {
        private final TenantId tenant;

        ClaimPacing(TenantId tenant) {
            this.tenant = tenant;
        }

        @Override
        public boolean beforeRange() {
            // at most half a lease at a time: the run's lease and the claim are renewed only between ranges
            Duration owed = throttle.delay();
            Duration halfLease = schedule.claimLease().dividedBy(2);
            pause.pause(owed.compareTo(halfLease) > 0 ? halfLease : owed);
            return !stopping && claims.renew(tenant, owner, schedule.claimLease()) == ChangeStore.Held.HELD;
        }

        @Override
        public void afterRange(RepairReport report) {
            throttle.charge(report.bytesMoved());
        }
    }
}
