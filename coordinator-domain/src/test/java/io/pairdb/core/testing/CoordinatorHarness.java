package io.pairdb.core.testing;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.HintStore;
import io.pairdb.core.port.IdempotencyStore;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.read.CoordinateRead;
import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.read.RepairReplicas;
import io.pairdb.core.replication.CoordinatorSettings;
import io.pairdb.core.replication.Environment;
import io.pairdb.core.replication.ReplicaLatencies;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantService;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.ClockIssuer;
import io.pairdb.core.write.CoordinateWrite;
import io.pairdb.core.write.WriteCommand;
import io.pairdb.core.write.WriteOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One coordinator wired to in-memory ports and {@link FakeStorageNodes}, the way the
 * application wires the real one. Nodes are {@code node-1 … node-n}, NORMAL and UP.
 * Close it after each test (it owns a scheduler thread pool).
 */
public final class CoordinatorHarness implements AutoCloseable {
    public static final TenantId TENANT = new TenantId("acme");
    public static final String COORDINATOR_ID = "coord-1";

    private final Environment env;
    private final ManualClock clock = new ManualClock();
    private final InMemoryTopologyStore topologyStore;
    private final ClusterTopology topology;
    private final InMemoryHintStore hints = new InMemoryHintStore();
    private final FakeStorageNodes storage = new FakeStorageNodes();
    private final Scheduler scheduler;
    private final RecordingEvents events = new RecordingEvents();
    private final TenantService tenants;
    private final IdempotencyStore idempotency;
    private final CoordinateWrite writes;
    private final CoordinateRead reads;

    private CoordinatorHarness(Builder b) {
        this.topologyStore = b.ring;
        this.topology = b.confirmEpochWithin == null ? new ClusterTopology(topologyStore, clock)
                : new ClusterTopology(topologyStore, clock, b.confirmEpochWithin);
        for (int i = 1; i <= b.nodes; i++) {
            topology.register(node(i), "10.0.0." + i, 7000, StorageNode.DEFAULT_VIRTUAL_NODES);
        }
        this.scheduler = b.scheduler.get();
        this.env = new Environment(clock, scheduler, events, b.settings);
        this.tenants = new TenantService(b.tenantStore != null ? b.tenantStore
                : new InMemoryTenantStore(b.ring), topology, clock, events, TenantService.Settings.defaults());
        this.idempotency = b.idempotency.apply(clock);
        ClockIssuer clocks = new ClockIssuer(COORDINATOR_ID, clock, b.settings.maxClockEntries());
        this.writes = new CoordinateWrite(tenants, topology, storage, idempotency, b.hints.apply(hints), clocks, env);
        this.reads = new CoordinateRead(tenants, topology, storage, new RepairReplicas(storage, env), env);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Three nodes, default settings, an empty tenant store. */
    public static CoordinatorHarness withThreeNodes() {
        return builder().build();
    }

    public static NodeId node(int i) {
        return new NodeId("node-" + i);
    }

    public Tenant createTenant(int replicationFactor) {
        var created = tenants.create(TENANT, Optional.of(replicationFactor));
        if (!(created instanceof TenantService.CreateOutcome.Created c)) {
            throw new IllegalStateException("could not create the tenant: " + created);
        }
        return c.tenant();
    }

    public WriteOutcome write(WriteCommand command) {
        return await(writes.execute(command));
    }

    public ReadOutcome read(ReadCommand command) {
        return await(readAsync(command));
    }

    /** The read's answer, when it comes. */
    public CompletableFuture<ReadOutcome> readAsync(ReadCommand command) {
        return reads.execute(command);
    }

    public void markDown(NodeId id) {
        markLiveness(id, Liveness.DOWN);
    }

    public void markUp(NodeId id) {
        markLiveness(id, Liveness.UP);
    }

    private void markLiveness(NodeId id, Liveness liveness) {
        StorageNode node = topologyStore.find(id).orElseThrow();
        topologyStore.update(node.withLiveness(liveness, clock.now()));
        // a liveness change keeps the epoch, so refresh() would not notice it
        topology.reload();
    }

    /** Moves a registered node to the given ring state, in the store and in the view served. */
    public void setState(NodeId id, NodeState state) {
        StorageNode node = topologyStore.find(id).orElseThrow();
        topologyStore.update(node.withState(state, clock.now()));
        topology.reload();
    }

    /** Registers a node in the given ring state (e.g. BOOTSTRAPPING). */
    public void addNode(NodeId id, NodeState state) {
        int n = topologyStore.load().nodes().size() + 1;
        topologyStore.insert(new StorageNode(id, "10.0.1." + n, 7000, StorageNode.DEFAULT_VIRTUAL_NODES, state,
                Liveness.UP, clock.now(), clock.now()));
        topology.reload();
    }

    public ManualClock clock() {
        return clock;
    }

    public ClusterTopology topology() {
        return topology;
    }

    public InMemoryHintStore hints() {
        return hints;
    }

    /** The replicas' recent latencies and answer counts, as the rounds feed them. */
    public ReplicaLatencies latencies() {
        return env.latencies();
    }

    public FakeStorageNodes storage() {
        return storage;
    }

    public RecordingEvents events() {
        return events;
    }

    public TenantService tenants() {
        return tenants;
    }

    public IdempotencyStore idempotency() {
        return idempotency;
    }

    public CoordinateWrite writes() {
        return writes;
    }

    public CoordinateRead reads() {
        return reads;
    }

    @Override
    public void close() {
        if (scheduler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close the scheduler", e);
            }
        }
    }

    /** Default settings with both deadlines set to {@code timeout}, for tests that let a deadline pass. */
    public static CoordinatorSettings withTimeouts(Duration timeout) {
        var d = CoordinatorSettings.defaults();
        return new CoordinatorSettings(timeout, timeout, d.idempotencyTtl(), d.maxValueBytes(), d.defaultConsistency(),
                d.repairAsync(), d.maxRepairsInFlight(), d.maxClockEntries());
    }

    /** Default settings with read repair finished before the read answers. */
    public static CoordinatorSettings withBlockingRepair() {
        var d = CoordinatorSettings.defaults();
        return new CoordinatorSettings(d.writeTimeout(), d.readTimeout(), d.idempotencyTtl(), d.maxValueBytes(),
                d.defaultConsistency(), false, d.maxRepairsInFlight(), d.maxClockEntries());
    }

    /** A bounded wait: a request that hangs fails the test instead of the build. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the request did not complete normally within 10 s", e);
        }
    }

    public static final class Builder {
        private int nodes = 3;
        private CoordinatorSettings settings = CoordinatorSettings.defaults();
        private final InMemoryTopologyStore ring = new InMemoryTopologyStore();
        /** Null: an in-memory one sharing the harness's ring, as PostgreSQL holds both. */
        private TenantStore tenantStore;

        /**
         * The harness's ring store: a tenant store given to {@link #tenantStore} shares it, since
         * tenants are created only at the epoch of the ring served.
         */
        public InMemoryTopologyStore ring() {
            return ring;
        }
        private Function<ManualClock, IdempotencyStore> idempotency = InMemoryIdempotencyStore::new;
        private Function<InMemoryHintStore, HintStore> hints = memory -> memory;
        private Supplier<Scheduler> scheduler = ThreadPoolScheduler::new;

        /** The hint store the writes use, built around the in-memory one that {@link #hints()} shows. */
        public Builder hints(Function<InMemoryHintStore, HintStore> wrap) {
            this.hints = wrap;
            return this;
        }

        /** The scheduler the core runs its timers and background work on (closed with the harness if closeable). */
        public Builder scheduler(Supplier<Scheduler> scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        private Duration confirmEpochWithin;

        /** The coordinator serves only while it confirmed its ring within this bound (see ClusterTopology#confirm). */
        public Builder confirmEpochWithin(Duration bound) {
            this.confirmEpochWithin = bound;
            return this;
        }

        public Builder nodes(int count) {
            this.nodes = count;
            return this;
        }

        public Builder settings(CoordinatorSettings settings) {
            this.settings = settings;
            return this;
        }

        public Builder tenantStore(TenantStore store) {
            this.tenantStore = store;
            return this;
        }

        public Builder idempotency(IdempotencyStore store) {
            this.idempotency = clock -> store;
            return this;
        }

        public CoordinatorHarness build() {
            return new CoordinatorHarness(this);
        }
    }
}
