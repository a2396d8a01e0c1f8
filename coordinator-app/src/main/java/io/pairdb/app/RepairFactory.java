package io.pairdb.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.pairdb.adapters.repair.MicrometerRepairEvents;
import io.pairdb.adapters.storage.GrpcStorageRanges;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.RepairProperties;
import io.pairdb.core.port.RepairStore;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.repair.RepairRange;
import io.pairdb.core.repair.RepairSettings;
import io.pairdb.core.repair.RepairTenants;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Builds anti-entropy repair from {@code pairdb.repair.*}; the admin API runs it on demand. */
@Factory
public class RepairFactory {

    @Singleton
    RepairSettings repairSettings(RepairProperties p) {
        try {
            return new RepairSettings(p.getFanOut(), p.getLeafKeys(), p.getMaxDepth(), p.getStorageTimeout(),
                    p.getBatchSize());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigurationError("pairdb.repair", e.getMessage());
        }
    }

    @Singleton
    RepairTenants.Runner repairRunner(RepairProperties p, @Named("coordinator-instance") String instance) {
        try {
            return new RepairTenants.Runner(instance, p.getLease());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigurationError("pairdb.repair.lease", "must be a positive duration");
        }
    }

    @Singleton
    RepairTenants repairTenants(ClusterTopology topology, TenantService tenants, RepairStore runs,
                                GrpcStorageRanges ranges, RepairSettings settings, MeterRegistry registry,
                                Environment env, RepairTenants.Runner runner) {
        return new RepairTenants(topology, tenants, runs, new RepairRange(ranges, settings),
                new MicrometerRepairEvents(registry), env.clock(), runner);
    }
}
