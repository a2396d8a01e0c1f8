package io.pairdb.adapters.repair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.core.repair.RangeRepairOutcome;
import io.pairdb.core.repair.RepairEvents;
import io.pairdb.core.repair.RepairReport;
import io.pairdb.core.tenant.TenantId;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anti-entropy repair as Micrometer counters, every one labelled {@code mode} ({@code repair} or
 * {@code dry_run}): {@code coordinator_repair_ranges_total{mode,outcome}} (ranges done, {@code repaired}
 * or {@code failed}), {@code coordinator_repair_subranges_compared_total} (digests compared),
 * {@code coordinator_repair_subranges_differed_total} (leaves compared key by key),
 * {@code coordinator_repair_keys_differing_total}, {@code coordinator_repair_keys_repaired_total} (repair
 * writes) and {@code coordinator_repair_bytes_total{mode,direction}} ({@code read}, {@code written}).
 * A failed range is also logged with its replica and reason, and a pruning of the repair history
 * with what it forgot or why it could not. Every series exists at zero from the
 * start, so {@code increase()} sees the first repair.
 */
public final class MicrometerRepairEvents implements RepairEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerRepairEvents.class);

    private final Meters repair;
    private final Meters dryRun;

    public MicrometerRepairEvents(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        this.repair = new Meters(registry, "repair");
        this.dryRun = new Meters(registry, "dry_run");
    }

    @Override
    public void rangeDone(TenantId tenant, RangeRepairOutcome outcome, boolean dryRunOnly) {
        Meters meters = dryRunOnly ? dryRun : repair;
        switch (outcome) {
            case RangeRepairOutcome.Repaired r -> meters.repaired.increment();
            case RangeRepairOutcome.ReplicaFailed f -> {
                meters.failed.increment();
                LOG.warn("repair of tenant {} range {} failed on node {}: {}", tenant, f.range(), f.node(), f.reason());
            }
        }
        RepairReport report = outcome.report();
        meters.compared.increment(report.rangesCompared());
        meters.differed.increment(report.leavesDiffered());
        meters.keysDiffering.increment(report.keysDiffering());
        meters.keysRepaired.increment(report.entriesWritten());
        meters.bytesRead.increment(report.bytesRead());
        meters.bytesWritten.increment(report.bytesWritten());
    }

    @Override
    public void historyPruned(int forgotten, Optional<RuntimeException> failure) {
        if (failure.isPresent()) {
            LOG.warn("could not prune the repair history (the next repair run tries again): {}",
                    failure.get().getMessage());
        } else if (forgotten > 0) {
            LOG.info("forgot {} repair history entries that no longer decide any range's age", forgotten);
        }
    }

    /** One mode's counters. */
    private static final class Meters {
        final Counter repaired;
        final Counter failed;
        final Counter compared;
        final Counter differed;
        final Counter keysDiffering;
        final Counter keysRepaired;
        final Counter bytesRead;
        final Counter bytesWritten;

        Meters(MeterRegistry registry, String mode) {
            repaired = counter(registry, "coordinator.repair.ranges", "Ranges of a tenant repair compared", mode,
                    "outcome", "repaired");
            failed = counter(registry, "coordinator.repair.ranges", "Ranges of a tenant repair compared", mode,
                    "outcome", "failed");
            compared = counter(registry, "coordinator.repair.subranges.compared",
                    "Sub-ranges whose digests the replicas compared", mode);
            differed = counter(registry, "coordinator.repair.subranges.differed",
                    "Sub-ranges compared key by key because their digests differed", mode);
            keysDiffering = counter(registry, "coordinator.repair.keys.differing",
                    "Keys a replica lacked or held an older or concurrent version of", mode);
            keysRepaired = counter(registry, "coordinator.repair.keys.repaired",
                    "Repair writes sent, one per replica that needed a key", mode);
            bytesRead = counter(registry, "coordinator.repair.bytes", "Roughly what repair moved", mode,
                    "direction", "read");
            bytesWritten = counter(registry, "coordinator.repair.bytes", "Roughly what repair moved", mode,
                    "direction", "written");
        }

        private static Counter counter(MeterRegistry registry, String name, String description, String mode,
                                       String... tags) {
            return Counter.builder(name).description(description).tag("mode", mode).tags(tags).register(registry);
        }
    }
}
