package io.pairdb.app.topology;

import static io.pairdb.app.config.ConfigurationError.checked;
import static io.pairdb.app.config.ConfigurationError.positive;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.adapters.storage.GrpcStorageRanges;
import io.pairdb.adapters.topology.TopologyChangeLog;
import io.pairdb.adapters.storage.StorageNodeTls;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.StorageProperties;
import io.pairdb.app.config.StorageNodesProperties;
import io.pairdb.app.config.TopologyChangeProperties;
import io.pairdb.core.cleanup.CleanupSettings;
import io.pairdb.core.hints.ImmediateReplay;
import io.pairdb.core.hints.ReplayHintsWhenNodesLeave;
import io.pairdb.core.node.AllowedNodeAddresses;
import io.pairdb.core.node.CountKeys;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.CleanupStore;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.AddNode;
import io.pairdb.core.topology.ChangeReplicationFactor;
import io.pairdb.core.topology.ChangeSettings;
import io.pairdb.core.topology.ClusterStores;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.topology.RunChangeDrivers;
import io.pairdb.core.topology.UncleanedCopies;
import io.pairdb.core.topology.DryRunChanges;
import io.pairdb.core.topology.EpochFence;
import io.pairdb.core.topology.RemoveNode;
import io.pairdb.core.topology.StreamRanges;
import io.pairdb.core.topology.StreamThrottle;
import io.pairdb.core.topology.TopologyChanges;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds topology changes (adding and removing storage nodes while serving) from
 * {@code pairdb.topology-changes.*}; {@link TopologyChangeTasks} runs their periodic side.
 */
@Factory
public class TopologyFactory {

    /**
     * This process among the coordinators: its heartbeats and the leases it holds. Not the
     * coordinator id of vector clocks, which a restarted pod reuses: a restarted process must
     * not believe it still holds the leases of the one before it.
     */
    @Singleton
    @Named("coordinator-instance")
    String coordinatorInstance(@Named("coordinator-id") String coordinatorId) {
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        return coordinatorId + "-" + HexFormat.of().formatHex(suffix);
    }

    private static final long MIB = 1024L * 1024;

    @Singleton
    ChangeSettings changeSettings(TopologyChangeProperties p, StorageProperties storage,
                                  @Named("coordinator-instance") String instance) {
        positive("pairdb.topology-changes.heartbeat-interval", p.getHeartbeatInterval());
        positive("pairdb.topology-changes.takeover-interval", p.getTakeoverInterval());
        if (p.getLivenessTimeout() != null && p.getLivenessTimeout().compareTo(p.getHeartbeatInterval()) <= 0) {
            throw new ConfigurationError("pairdb.topology-changes.liveness-timeout",
                    "must be longer than the heartbeat interval, or every coordinator looks gone between two heartbeats");
        }
        if (p.getStreamConcurrency() < 1) {
            throw new ConfigurationError("pairdb.topology-changes.stream-concurrency",
                    "must be at least 1 (streams of a change copied at once), not " + p.getStreamConcurrency());
        }
        return checked("pairdb.topology-changes", () -> new ChangeSettings(instance,
                    new ChangeSettings.Coordination(p.getLease(), p.getLivenessTimeout(), p.getEpochWaitTimeout(),
                            p.getSettleDelay()),
                    new ChangeSettings.Streaming(p.getStreamFailureTimeout(), p.getRetryBackoff(), p.getRetryBackoffMax(),
                            p.getBatchEntries(), p.getBatchBytes(), p.getStorageTimeout(), p.getCheckpointInterval(),
                            p.getStreamConcurrency()),
                    new ChangeSettings.NodeChecks(p.getHealthTimeout(), storage.getTombstoneGcGrace())));
    }

    @Singleton
    @Bean(preDestroy = "close")
    GrpcStorageRanges storageRanges(StorageNodeTls tls) {
        return new GrpcStorageRanges(tls);
    }

    @Singleton
    AllowedNodeAddresses allowedNodeAddresses(StorageNodesProperties p) {
        return checked("pairdb.storage-nodes.allowed-addresses", () -> AllowedNodeAddresses.parse(
                p.getAllowedAddresses() == null ? List.of() : p.getAllowedAddresses()));
    }

    @Singleton
    EpochFence epochFence(CoordinatorRegistry registry, ClusterTopology topology, ChangeSettings settings) {
        return new EpochFence(registry, topology, settings.coordinatorId(), settings.coordination().livenessTimeout());
    }

    @Singleton
    StreamThrottle streamThrottle(TopologyChangeProperties p, Environment env) {
        long mib = p.getStreamThroughputMibPerSecond();
        if (mib < 0 || mib > Long.MAX_VALUE / MIB) {
            throw new ConfigurationError("pairdb.topology-changes.stream-throughput-mib-per-second",
                    "must be 0 (no cap) or a positive number of MiB per second, not " + mib);
        }
        return new StreamThrottle(env.clock(), mib * MIB);
    }

    @Singleton
    RunChangeDrivers driveChanges(ChangeStore changes, ClusterTopology topology, EpochFence fence, StorageRanges ranges,
                                  StorageHealth health, Environment env, ChangeSettings settings, StreamThrottle throttle,
                                  ImmediateReplay replay, MeterRegistry registry, CleanupStore cleanups,
                                  CleanupSettings cleanupSettings) {
        StreamRanges streaming = new StreamRanges(ranges, env.scheduler(), settings, throttle);
        // a removed node's hints go to their keys' replicas as soon as its removal completes
        var events = new ReplayHintsWhenNodesLeave(new TopologyChangeLog(registry, env.clock()), replay);
        // a copy left uncleaned longer than the cleanup may hand over from is not adopted again either
        var uncleaned = new UncleanedCopies(cleanups, env.clock(), cleanupSettings.handoverWindow());
        return new RunChangeDrivers(changes, topology, fence, streaming, health, env.scheduler(), env.clock(), settings,
                events, uncleaned);
    }

    /** The stores every topology change and cleanup reads and writes, built once. */
    @Singleton
    ClusterStores clusterStores(TopologyStore nodes, TenantStore tenants, ChangeStore changes) {
        return new ClusterStores(nodes, tenants, changes);
    }

    @Singleton
    AddNode addNode(ClusterStores stores, RunChangeDrivers driver, StorageHealth health, Environment env,
                    ChangeSettings settings) {
        return new AddNode(stores, driver, health, env.scheduler(), env.clock(), settings);
    }

    @Singleton
    RemoveNode removeNode(ClusterStores stores, RunChangeDrivers driver, StorageHealth health, Environment env,
                          ChangeSettings settings) {
        return new RemoveNode(stores, health, driver, env.scheduler(), env.clock(), settings);
    }

    @Singleton
    TopologyChanges topologyChanges(AddNode addNode, RemoveNode removeNode, ClusterStores stores, RunChangeDrivers driver,
                                    Environment env, TenantService tenantService, ClusterTopology topology) {
        return new TopologyChanges(addNode, removeNode, new ChangeReplicationFactor(stores, driver, env.clock(),
                tenantService.settings()), stores.changes(), topology);
    }

    /** Key counts for listings, asked within the same bound as the health probes of node changes. */
    @Singleton
    CountKeys countKeys(StorageHealth health, Environment env, ChangeSettings settings) {
        return new CountKeys(health, env.scheduler(), settings.nodeChecks().healthTimeout());
    }

    @Singleton
    DryRunChanges dryRunChanges(AddNode addNode, RemoveNode removeNode, ChangeStore changes, StorageHealth health,
                                Environment env, ChangeSettings settings) {
        return new DryRunChanges(addNode, removeNode, changes, health, env.scheduler(), settings);
    }
}
