package io.pairdb.app.cleanup;

import static io.pairdb.app.config.ConfigurationError.checked;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.adapters.cleanup.CleanupLog;
import io.pairdb.adapters.metrics.MicrometerWorkInFlight;
import io.pairdb.app.config.CleanupProperties;
import io.pairdb.app.config.StorageProperties;
import io.pairdb.core.cleanup.CleanupEvents;
import io.pairdb.core.cleanup.CleanupSettings;
import io.pairdb.core.cleanup.Cleanups;
import io.pairdb.core.cleanup.ForceCleanup;
import io.pairdb.core.cleanup.RunCleanup;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.Clock;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.topology.ClusterStores;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.ReadWorkInFlight;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Builds the cleanup after topology changes from {@code pairdb.cleanup.*}; {@link CleanupTasks} runs it. */
@Factory
public class CleanupFactory {

    @Singleton
    CleanupSettings cleanupSettings(CleanupProperties p, StorageProperties storage,
                                    @Named("coordinator-instance") String instance) {
        positive("pairdb.cleanup.interval", p.getInterval());
        return checked("pairdb.cleanup", () -> new CleanupSettings(instance, p.getGracePeriod(), p.getClaim(),
                p.getRangesPerClaim(), p.getStorageTimeout(), p.getScanBatch(),
                    CleanupSettings.handoverWindowFor(storage.getTombstoneGcGrace())));
    }

    /** Changes in progress and the cleanup backlog, for their gauges (read by {@code WorkInFlightRefresh}). */
    @Singleton
    ReadWorkInFlight readWorkInFlight(ChangeStore changes, CleanupStore cleanups, Clock clock, CleanupSettings settings,
                                      MeterRegistry registry) {
        return new ReadWorkInFlight(changes, cleanups, clock, settings.gracePeriod(),
                new MicrometerWorkInFlight(registry, clock));
    }

    @Singleton
    CleanupEvents cleanupEvents(MeterRegistry registry) {
        return new CleanupLog(registry);
    }

    @Singleton
    RunCleanup runCleanup(CleanupStore cleanups, ClusterStores stores, ClusterTopology topology, StorageRanges ranges,
                          Environment env, CleanupSettings settings, CleanupEvents log) {
        return new RunCleanup(cleanups, stores, topology, ranges, env.clock(), settings, log);
    }

    @Singleton
    Cleanups cleanups(CleanupStore cleanups, Environment env, CleanupSettings settings, CleanupEvents log) {
        return new Cleanups(cleanups, new ForceCleanup(cleanups, env.clock(), settings.coordinatorId(), log),
                settings.gracePeriod());
    }
}
