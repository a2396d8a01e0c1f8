package io.pairdb.app.repair;

import static io.pairdb.app.config.ConfigurationError.atLeastOne;
import static io.pairdb.app.config.ConfigurationError.checked;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.pairdb.adapters.repair.MicrometerRepairAge;
import io.pairdb.adapters.repair.MicrometerRepairEvents;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.RepairProperties;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.repair.ReadRepairAge;
import io.pairdb.core.repair.RepairDueTenants;
import io.pairdb.core.repair.RepairSchedule;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.repair.RepairRange;
import io.pairdb.core.repair.RepairSettings;
import io.pairdb.core.repair.RepairTenants;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import io.pairdb.app.ThreadPause;

/**
 * Builds anti-entropy repair from {@code pairdb.repair.*}; the admin API runs it on demand and
 * {@link RepairScheduling} on the schedule.
 */
@Factory
public class RepairFactory {
    private static final long MIB = 1024L * 1024;

    @Singleton
    RepairSettings repairSettings(RepairProperties p) {
        return checked("pairdb.repair", () -> new RepairSettings(p.getFanOut(), p.getLeafKeys(), p.getMaxDepth(),
                p.getStorageTimeout(), p.getBatchSize()));
    }

    @Singleton
    RepairTenants.Runner repairRunner(RepairProperties p, @Named("coordinator-instance") String instance) {
        return new RepairTenants.Runner(instance, positive("pairdb.repair.lease", p.getLease()),
                atLeastOne("pairdb.repair.ranges-in-parallel", p.getRangesInParallel()));
    }

    /**
     * A run's ranges beyond the first are compared on virtual threads of their own, one per range
     * worker, for as long as the run (nothing is pooled, so nothing needs shutting down).
     */
    @Singleton
    RepairTenants repairTenants(ClusterTopology topology, TenantService tenants, RepairStore runs,
                                StorageRanges ranges, RepairSettings settings, MeterRegistry registry,
                                Environment env, RepairTenants.Runner runner) {
        return new RepairTenants(topology, tenants, runs, new RepairRange(ranges, settings),
                new MicrometerRepairEvents(registry), env.clock(), runner,
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("repair-range-", 0).factory()));
    }

    @Singleton
    RepairSchedule repairSchedule(RepairProperties p) {
        if (p.getScheduleThroughputMibPerSecond() < 0 || p.getScheduleThroughputMibPerSecond() > Long.MAX_VALUE / MIB) {
            throw new ConfigurationError("pairdb.repair.schedule-throughput-mib-per-second",
                    "must be 0 (no cap) or a positive number of MiB per second, not " + p.getScheduleThroughputMibPerSecond());
        }
        positive("pairdb.repair.schedule-interval", p.getScheduleInterval());
        return checked("pairdb.repair.period", () -> new RepairSchedule(p.getPeriod(), p.getLease(),
                p.getScheduleThroughputMibPerSecond() * MIB));
    }

    @Singleton
    RepairDueTenants repairDueTenants(TenantService tenants, RepairClaimStore claims, RepairTenants repair,
                                      Environment env, RepairSchedule schedule,
                                      @Named("coordinator-instance") String instance) {
        return new RepairDueTenants(tenants, claims, repair, env.clock(), new ThreadPause(), schedule, instance);
    }

    @Singleton
    ReadRepairAge readRepairAge(RepairDueTenants due, RepairSchedule schedule, MeterRegistry registry) {
        return new ReadRepairAge(due, new MicrometerRepairAge(registry, schedule.period()));
    }
}
