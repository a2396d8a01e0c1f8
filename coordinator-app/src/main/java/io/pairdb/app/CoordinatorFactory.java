package io.pairdb.app;

import static io.pairdb.app.config.ConfigurationError.checked;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.pairdb.adapters.metrics.MicrometerRequestEvents;
import io.pairdb.adapters.metrics.MicrometerTenantEvents;
import io.pairdb.adapters.metrics.ObservedStorageNodes;
import io.pairdb.adapters.metrics.TopologyMetrics;
import io.pairdb.adapters.runtime.ExecutorScheduler;
import io.pairdb.adapters.runtime.LogBudget;
import io.pairdb.adapters.runtime.SystemClock;
import io.pairdb.adapters.redis.RedisClients;
import io.pairdb.adapters.storage.GrpcStorageNodes;
import io.pairdb.adapters.storage.StorageNodeTls;
import io.pairdb.app.config.ConfigurationError;
import io.pairdb.app.config.CoordinatorProperties;
import io.pairdb.app.config.RedisProperties;
import io.pairdb.app.config.StorageNodesProperties;
import io.pairdb.app.config.TenantProperties;
import io.pairdb.app.config.TopologyChangeProperties;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.port.StorageHealth;
import io.pairdb.core.port.StorageNodes;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.read.CoordinateRead;
import io.pairdb.core.read.RepairReplicas;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.replication.RequestEvents;
import io.pairdb.core.tenant.TenantEvents;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.ClockIssuer;
import io.pairdb.core.write.CoordinateWrite;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import io.pairdb.app.identity.CoordinatorIdentity;
import io.pairdb.app.security.ReflectionSwitch;

/** Builds the core from configuration; the only place that knows both the core and Micronaut. */
@Factory
public class CoordinatorFactory {

    @Singleton
    Clock clock() {
        return new SystemClock();
    }

    @Singleton
    @Bean(preDestroy = "close")
    ExecutorScheduler scheduler() {
        return new ExecutorScheduler();
    }

    @Singleton
    RequestEvents requestEvents(MeterRegistry registry,
                                @Value("${pairdb.log.max-lines-per-second:" + LogBudget.DEFAULT_LINES_PER_SECOND + "}")
                                long linesPerSecond) {
        return new MicrometerRequestEvents(registry, RequestLog.logBudget(linesPerSecond),
                RequestLog.logBudget(linesPerSecond));
    }

    @Singleton
    TenantEvents tenantEvents(MeterRegistry registry) {
        return new MicrometerTenantEvents(registry);
    }

    @Singleton
    CoordinatorSettings settings(CoordinatorProperties p) {
        ConsistencyLevel cl = ConsistencyLevel.parse(p.getDefaultConsistency()).orElseThrow(() -> new ConfigurationError(
                "pairdb.coordinator.default-consistency", "must be one, quorum or all, was '" + p.getDefaultConsistency() + "'"));
        return checked("pairdb.coordinator", () -> new CoordinatorSettings(p.getWriteTimeout(), p.getReadTimeout(),
                p.getIdempotencyTtl(), p.getMaxValueBytes(), cl, p.isRepairAsync(), p.getMaxRepairsInFlight(),
                p.getMaxClockEntries(), p.getMaxHintStoresInFlight(), p.getMaxClockSkew(),
                SpeculationPolicy.parseSetting(p.getSpeculation())));
    }

    @Singleton
    Environment environment(Clock clock, ExecutorScheduler scheduler, RequestEvents events,
                            CoordinatorSettings settings) {
        return new Environment(clock, scheduler, events, settings);
    }

    @Singleton
    @Bean(preDestroy = "release")
    CoordinatorIdentity coordinatorIdentity(CoordinatorProperties p, CoordinatorIds pool, Clock clock) {
        String id = p.getNodeId();
        if (id == null || id.isBlank()) {
            if (p.getIdLease() == null || p.getIdRenewalInterval() == null
                    || p.getIdRenewalInterval().compareTo(p.getIdLease()) >= 0) {
                throw new ConfigurationError("pairdb.coordinator.id-renewal-interval", "must be shorter than "
                        + "pairdb.coordinator.id-lease (" + p.getIdLease() + "), was " + p.getIdRenewalInterval()
                        + ": a lease that runs out between renewals stops every write");
            }
            return CoordinatorIdentity.leased(pool, hostname(), p.getIdLease(), clock);
        }
        if (!ClockIssuer.isValidCoordinatorId(id)) {
            throw new ConfigurationError("pairdb.coordinator.node-id",
                    "must be 1-64 characters of letters, digits, '.', '_' or '-', was '" + id + "'");
        }
        return CoordinatorIdentity.configured(id);
    }

    @Singleton
    @Named("coordinator-id")
    String coordinatorId(CoordinatorIdentity identity) {
        return identity.id();
    }

    @Singleton
    ClockIssuer clockIssuer(CoordinatorIdentity identity, Clock clock, CoordinatorSettings settings) {
        return new ClockIssuer(identity.clockLease(), clock, settings.maxClockEntries());
    }

    @Singleton
    ClusterTopology clusterTopology(TopologyStore store, Clock clock, MeterRegistry registry,
                                    TopologyChangeProperties changes) {
        ClusterTopology topology = new ClusterTopology(store, clock, changes.getStaleAfter());
        topology.reload();
        // the gauges read the served view at scrape time, so they are bound once, here
        new TopologyMetrics(topology).bindTo(registry);
        return topology;
    }

    @Singleton
    TenantService tenantService(TenantStore store, ClusterTopology topology, Clock clock, TenantEvents events,
                                TenantProperties p) {
        TenantService.Settings settings = checked("pairdb.tenants", () -> new TenantService.Settings(
                p.getDefaultReplicationFactor(), p.getMaxReplicationFactor(), p.getCacheTtl(), p.getMissingTtl()));
        return new TenantService(store, topology, clock, events, settings);
    }

    /**
     * Exposed as itself and as the health port only: for per-key calls the core gets the observed
     * {@link #storageNodes} instead.
     */
    @Singleton
    @Bean(preDestroy = "close", typed = {GrpcStorageNodes.class, StorageHealth.class})
    GrpcStorageNodes grpcStorageNodes(StorageNodeTls tls) {
        return new GrpcStorageNodes(tls);
    }

    /** Plaintext unless {@code pairdb.storage-nodes.tls-ca-file} is set. */
    @Singleton
    @Bean(preDestroy = "close")
    StorageNodeTls storageNodeTls(StorageNodesProperties p) {
        if (isBlank(p.getTlsCaFile())) {
            if (!isBlank(p.getTlsCertFile()) || !isBlank(p.getTlsKeyFile())) {
                throw new ConfigurationError("pairdb.storage-nodes.tls-ca-file",
                        "is needed with tls-cert-file and tls-key-file: TLS to the nodes verifies them against it");
            }
            return StorageNodeTls.plaintext();
        }
        if (isBlank(p.getTlsCertFile()) != isBlank(p.getTlsKeyFile())) {
            throw new ConfigurationError("pairdb.storage-nodes.tls-cert-file", "and tls-key-file go together");
        }
        return checked("pairdb.storage-nodes.tls-ca-file", () -> StorageNodeTls.start(new StorageNodeTls.Files(
                    Path.of(p.getTlsCaFile()),
                    Optional.ofNullable(p.getTlsCertFile()).filter(f -> !f.isBlank()).map(Path::of),
                    Optional.ofNullable(p.getTlsKeyFile()).filter(f -> !f.isBlank()).map(Path::of),
                    p.getTlsRefreshInterval())));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    @Singleton
    StorageNodes storageNodes(GrpcStorageNodes grpc, MeterRegistry registry) {
        return new ObservedStorageNodes(grpc, registry);
    }

    @Singleton
    RepairReplicas repairReplicas(StorageNodes nodes, Environment env) {
        return new RepairReplicas(nodes, env);
    }

    @Singleton
    CoordinateWrite coordinateWrite(TenantService tenants, ClusterTopology topology, StorageNodes nodes,
                                    IdempotencyStore idempotency, HintStore hints, ClockIssuer clocks, Environment env) {
        return new CoordinateWrite(tenants, topology, nodes, idempotency, hints, clocks, env);
    }

    @Singleton
    CoordinateRead coordinateRead(TenantService tenants, ClusterTopology topology, StorageNodes nodes,
                                  RepairReplicas repairs, Environment env) {
        return new CoordinateRead(tenants, topology, nodes, repairs, env);
    }

    @Singleton
    @Bean(preDestroy = "shutdown")
    RedisClient redisClient(RedisProperties p) {
        return checked("pairdb.redis", () -> RedisClients.create(new RedisClients.Settings(p.getUri(),
                Optional.ofNullable(p.getUsername()), Optional.ofNullable(p.getPassword()),
                Optional.ofNullable(p.getCaFile()).filter(f -> !f.isBlank()).map(Path::of), p.getTimeout())));
    }

    @Singleton
    @Bean(preDestroy = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client, RedisProperties p) {
        StatefulRedisConnection<String, String> connection = client.connect();
        connection.setTimeout(p.getTimeout());
        return connection;
    }

    /** Reflection (grpcurl's {@code list}, {@code describe}) for callers with cluster:read, unless switched off. */
    @Singleton
    @Requires(condition = ReflectionSwitch.class)
    BindableService reflection() {
        return ProtoReflectionServiceV1.newInstance();
    }

    private static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
