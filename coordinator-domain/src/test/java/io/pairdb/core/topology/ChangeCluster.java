package io.pairdb.core.topology;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Ring;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.InMemoryChangeStore;
import io.pairdb.core.testing.InMemoryCleanupStore;
import io.pairdb.core.port.CoordinatorRegistry;
import io.pairdb.core.testing.InMemoryCoordinatorRegistry;
import io.pairdb.core.testing.InMemoryStorageRanges;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.testing.InMemoryTopologyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.SteppedScheduler;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A cluster for topology-change tests: shared in-memory stores, storage nodes' data, and
 * coordinators, each with its own served view and a scheduler the test steps by hand on one
 * manual clock.
 */
final class ChangeCluster {
    record StoredKey(TenantId tenant, String key, int rf) {
        Token token() {
            return Token.forKey(tenant.value(), key);
        }
    }

    final ManualClock clock = new ManualClock();
    final InMemoryTopologyStore nodes = new InMemoryTopologyStore();
    final InMemoryTenantStore tenants = new InMemoryTenantStore(nodes);
    final InMemoryChangeStore changes = new InMemoryChangeStore(nodes, tenants, clock);
    final InMemoryCleanupStore cleanups = new InMemoryCleanupStore(changes, clock);
    /** How long a copy a cleanup left behind may still be adopted again (half of a 10-day gc grace). */
    static final Duration UNCLEANED_WINDOW = Duration.ofDays(5);
    final InMemoryCoordinatorRegistry registry = new InMemoryCoordinatorRegistry(clock);
    final InMemoryStorageRanges data = new InMemoryStorageRanges();
    final FakeStorageNodes health = new FakeStorageNodes();
    final List<StoredKey> keys = new ArrayList<>();
    private final List<Coordinator> coordinators = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger addresses = new java.util.concurrent.atomic.AtomicInteger();

    /** Short timings, so tests cover timeouts in a few simulated seconds. */
    static ChangeSettings settings(String coordinatorId) {
        return new ChangeSettings(coordinatorId,
                new ChangeSettings.Coordination(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(60),
                        Duration.ofSeconds(1)),
                new ChangeSettings.Streaming(Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(4), 10,
                        1024 * 1024, Duration.ofSeconds(5), Duration.ZERO, ChangeSettings.DEFAULT_STREAM_CONCURRENCY),
                new ChangeSettings.NodeChecks(Duration.ofSeconds(1)));
    }

    final class Coordinator {
        final String id;
        final SteppedScheduler scheduler = new SteppedScheduler(clock);
        /** The cap on what this coordinator streams (unlimited unless a test sets one). */
        final StreamThrottle throttle = new StreamThrottle(clock, StreamThrottle.UNLIMITED);
        final ClusterTopology topology = new ClusterTopology(nodes, clock);
        final EpochFence fence;
        final RunChangeDrivers driver;
        final AddNode addNode;
        final RemoveNode removeNode;
        final ChangeReplicationFactor changeRf;
        final List<String> events = new CopyOnWriteArrayList<>();
        /** Keys, bytes and finished ranges as the progress events reported them. */
        final java.util.concurrent.atomic.AtomicLongArray progress = new java.util.concurrent.atomic.AtomicLongArray(3);

        Coordinator(String id, ChangeSettings settings) {
            this.id = id;
            topology.reload();
            ClusterStores stores = new ClusterStores(nodes, tenants, changes);
            fence = new EpochFence(registry, topology, id, settings.coordination().livenessTimeout());
            StreamRanges streaming = new StreamRanges(data, scheduler, settings, throttle);
            driver = new RunChangeDrivers(changes, topology, fence, streaming, health, scheduler, clock, settings, new ChangeEvents() {
                @Override
                public void ended(TopologyChange change) {
                    events.add("ended " + change.id() + " " + change.status());
                }

                @Override
                public void streamProgressed(TopologyChange change, RangeStream before, RangeStream after) {
                    progress.addAndGet(0, after.keys() - before.keys());
                    progress.addAndGet(1, after.bytes() - before.bytes());
                    progress.addAndGet(2, after.isDone() && !before.isDone() ? 1 : 0);
                }

                @Override
                public void leaseLost(ChangeId change) {
                    events.add("lease lost " + change);
                }

                @Override
                public void resumed(TopologyChange change) {
                    events.add("resumed " + change.id());
                }

                @Override
                public void stepFailed(ChangeId change, RuntimeException error) {
                    events.add("step failed " + change + ": " + error);
                }

                @Override
                public void started(TopologyChange change) {
                }

                @Override
                public void awaitingEpoch(TopologyChange change, long epoch, List<CoordinatorRegistry.Member> behind) {
                }

                @Override
                public void fenced(TopologyChange change) {
                }

                @Override
                public void streamFailed(TopologyChange change, RangeStream stream, String error, Duration retryIn) {
                }

                @Override
                public void streamLost(TopologyChange change, RangeStream stream, String why) {
                }

                @Override
                public void handedOver(TopologyChange change, long epoch) {
                }
            }, new UncleanedCopies(cleanups, clock, UNCLEANED_WINDOW));
            addNode = new AddNode(stores, driver, health, scheduler, clock, settings);
            removeNode = new RemoveNode(stores, health, driver, scheduler, clock, settings);
            changeRf = new ChangeReplicationFactor(stores, driver, clock,
                    new io.pairdb.core.tenant.TenantService.Settings(3, 5, Duration.ofMinutes(5)));
        }

        StartOutcome.Started add(String node, int vnodes) {
            StartOutcome outcome = addNode.add(new NodeId(node), "10.1.0." + addresses.incrementAndGet(), 7000, vnodes);
            if (outcome instanceof StartOutcome.Started started) {
                return started;
            }
            throw new AssertionError("add " + node + ": " + outcome);
        }

        /** Runs every task due now, one after another, until none is. */
        void runDue() {
            while (scheduler.runOne()) {
                // keep going
            }
        }

        void heartbeat() {
            fence.reportServedEpoch();
        }
    }

    Coordinator coordinator(String id) {
        return coordinator(settings(id));
    }

    Coordinator coordinator(ChangeSettings settings) {
        Coordinator c = new Coordinator(settings.coordinatorId(), settings);
        coordinators.add(c);
        return c;
    }

    void node(String id, int vnodes) {
        nodes.insert(new StorageNode(new NodeId(id), "10.0.0." + (coordinators.size() + nodes.load().nodes().size() + 1),
                7000, vnodes, NodeState.NORMAL, Liveness.UP, clock.now(), clock.now()));
        coordinators.forEach(c -> c.topology.reload());
    }

    void tenant(String id, int rf) {
        tenants.insert(new Tenant(new TenantId(id), rf, clock.now(), clock.now(), 1));
    }

    /** Writes {@code count} keys of the tenant to their replicas on the current ring. */
    void load(String tenant, int count) {
        TenantId t = new TenantId(tenant);
        int rf = tenants.find(t).orElseThrow().replicationFactor();
        Ring ring = ring(NodeState.NORMAL, NodeState.LEAVING);
        for (int i = 0; i < count; i++) {
            StoredKey k = new StoredKey(t, "key-" + i, rf);
            Version v = Version.of(("value-" + i).getBytes(StandardCharsets.UTF_8), VectorClock.of("coord-x", i + 1), 1000L + i);
            for (NodeId replica : ring.replicasFor(k.token(), rf)) {
                data.put(replica, t, k.key(), v);
            }
            keys.add(k);
        }
    }

    /** Puts on {@code node} the keys it replicates on {@code ring} (as writes to a pending replica do). */
    void copyTo(String node, Ring ring) {
        NodeId target = new NodeId(node);
        for (StoredKey k : keys) {
            if (ring.replicasFor(k.token(), k.rf()).contains(target)) {
                NodeId holder = ring(NodeState.NORMAL, NodeState.LEAVING).replicasFor(k.token(), k.rf()).getFirst();
                data.held(holder).entrySet().stream()
                        .filter(e -> e.getKey().tenant().equals(k.tenant()) && e.getKey().key().equals(k.key()))
                        .findFirst().ifPresent(e -> data.put(target, k.tenant(), k.key(), e.getValue().version()));
            }
        }
    }

    /** The ring of the stored nodes in these states, built from scratch. */
    Ring ring(NodeState... states) {
        Set<NodeState> wanted = Set.of(states);
        List<Ring.Member> members = new ArrayList<>();
        for (StorageNode n : nodes.load().nodes()) {
            if (wanted.contains(n.state())) {
                members.add(new Ring.Member(n.id(), n.virtualNodes()));
            }
        }
        return Ring.of(members);
    }

    /** The keys the node should hold on this ring, for each key's tenant RF. */
    Set<KeyPosition> keysReplicatedBy(Ring ring, String node) {
        Set<KeyPosition> expected = new HashSet<>();
        for (StoredKey k : keys) {
            if (ring.replicasFor(k.token(), k.rf()).contains(new NodeId(node))) {
                expected.add(new KeyPosition(k.token(), k.tenant(), k.key()));
            }
        }
        return expected;
    }

    Set<KeyPosition> keysHeldBy(String node) {
        return data.held(new NodeId(node)).keySet();
    }

    StorageNode stored(String node) {
        return nodes.find(new NodeId(node)).orElseThrow();
    }

    TopologyChange change(ChangeId id) {
        return changes.find(id).orElseThrow();
    }

    /** Moves time forward in steps, running the due tasks of the given coordinators at each, until the condition holds. */
    void runUntil(BooleanSupplier done, Duration atMost, Coordinator... running) {
        long steps = atMost.toMillis() / 100;
        for (long i = 0; i <= steps; i++) {
            for (Coordinator c : running) {
                c.runDue();
            }
            if (done.getAsBoolean()) {
                return;
            }
            clock.advance(Duration.ofMillis(100));
        }
        throw new AssertionError("not done within " + atMost + " of simulated time");
    }

    /** Like {@link #runUntil}, but checks the condition after every single task: to stop a coordinator mid-change. */
    void stepUntil(BooleanSupplier done, Duration atMost, Coordinator running) {
        long steps = atMost.toMillis() / 100;
        for (long i = 0; i <= steps; i++) {
            while (!done.getAsBoolean() && running.scheduler.runOne()) {
                // one task at a time
            }
            if (done.getAsBoolean()) {
                return;
            }
            clock.advance(Duration.ofMillis(100));
        }
        throw new AssertionError("not done within " + atMost + " of simulated time");
    }

    void runFor(Duration time, Coordinator... running) {
        long steps = time.toMillis() / 100;
        for (long i = 0; i < steps; i++) {
            for (Coordinator c : running) {
                c.runDue();
            }
            clock.advance(Duration.ofMillis(100));
        }
    }
}
