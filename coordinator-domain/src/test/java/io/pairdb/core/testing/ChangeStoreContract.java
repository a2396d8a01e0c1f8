package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.ChangeStore.Finish;
import io.pairdb.core.port.ChangeStore.Held;
import io.pairdb.core.port.ChangeStore.Start;
import io.pairdb.core.port.TenantStore;
import io.pairdb.core.port.TopologyStore;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangeId;
import io.pairdb.core.topology.ChangeStatus;
import io.pairdb.core.topology.ChangeType;
import io.pairdb.core.topology.RangeStream;
import io.pairdb.core.topology.ReplicationChange;
import io.pairdb.core.topology.TenantFilter;
import io.pairdb.core.topology.TopologyChange;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ChangeStore} does, beside its {@link TopologyStore}; each implementation's test extends this. */
public abstract class ChangeStoreContract {
    /**
     * A change store, the topology store it shares nodes and the epoch with, and the tenant store
     * it changes RFs in, all empty, at epoch 0.
     */
    public record Stores(TopologyStore nodes, TenantStore tenants, ChangeStore changes) {
    }

    protected abstract Stores emptyStores();

    /** Lets every lease taken so far run out. */
    protected abstract void expireLeases();

    /** A take-over of a change by another coordinator, under way in a transaction of its own. */
    protected interface TakeOver extends AutoCloseable {
        /** Whether another transaction waits for this one to end. */
        boolean holdsBack();

        void commit();

        @Override
        void close();
    }

    /**
     * Starts taking {@code id} over for {@code owner} (its lease ran out) without committing: until
     * {@link TakeOver#commit}, other transactions see the change as it was. A store without
     * transactions takes it over at once.
     */
    protected TakeOver takeOverUncommitted(ChangeId id, String owner) {
        assertThat(changes.claimAbandoned(owner, LEASE)).map(TopologyChange::id).contains(id);
        return new TakeOver() {
            @Override
            public boolean holdsBack() {
                return false;
            }

            @Override
            public void commit() {
            }

            @Override
            public void close() {
            }
        };
    }

    private static final Duration LEASE = Duration.ofMinutes(1);
    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);
    private TopologyStore nodes;
    private ChangeStore changes;
    private TenantStore tenants;

    @BeforeEach
    public void freshStores() {
        Stores stores = emptyStores();
        nodes = stores.nodes();
        tenants = stores.tenants();
        changes = stores.changes();
        for (int i = 1; i <= 3; i++) {
            nodes.insert(node("n" + i, NodeState.NORMAL));
        }
    }

    private StorageNode node(String id, NodeState state) {
        return new StorageNode(new NodeId(id), "127.0.0.1", 7000 + id.hashCode() % 100, 16, state, Liveness.UP, now, now);
    }

    private static NodeId id(String id) {
        return new NodeId(id);
    }

    /** Streams that exercise every field: unsigned tokens past 2^63, a wrapping range, both filters, a resume position. */
    private List<RangeStream> streams(String target) {
        TokenRange low = new TokenRange(new Token(10), new Token(2000));
        TokenRange wrapping = new TokenRange(Token.parseUnsigned("18446744073709551000"), new Token(5));
        List<NodeId> sources = java.util.stream.Stream.of("n3", "n1", "n2").filter(n -> !n.equals(target)).map(
                ChangeStoreContract::id).toList();
        RangeStream first = RangeStream.pending(0, low, id(target), sources, new TreeSet<>(Set.of(3)), TenantFilter.ALL);
        RangeStream second = RangeStream.pending(1, wrapping, id(target), sources.subList(0, 1), new TreeSet<>(Set.of(1, 2)),
                new TenantFilter.Only(List.of(new TenantId("b"), new TenantId("a"))));
        return List.of(first, second);
    }

    private TopologyChange change(ChangeType type, String node, long epoch, List<RangeStream> streams) {
        return new TopologyChange(ChangeId.of(type, id(node), epoch), type, id(node), ChangeStatus.IN_PROGRESS, epoch,
                false, 0, streams, now, now, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private TopologyChange started(Start start) {
        assertThat(start).isInstanceOf(Start.Started.class);
        return ((Start.Started) start).change();
    }

    @Test
    public void startingAChangeStoresItsNodeAndTheChangeAndBumpsTheEpochOnce() {
        TopologyChange change = change(ChangeType.ADD_NODE, "n4", 4, streams("n4"));
        Start start = changes.start(change, node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE);

        assertThat(start).isInstanceOf(Start.Started.class);
        assertThat(((Start.Started) start).epoch()).isEqualTo(4);
        assertThat(nodes.epoch()).isEqualTo(4);
        assertThat(nodes.find(id("n4")).orElseThrow().state()).isEqualTo(NodeState.BOOTSTRAPPING);
        TopologyChange stored = changes.find(change.id()).orElseThrow();
        assertThat(stored.withLease(Optional.empty())).isEqualTo(change);
        assertThat(stored.lease().orElseThrow().owner()).isEqualTo("coord-a");
        assertThat(changes.inProgress()).extracting(TopologyChange::id).containsExactly(change.id());
    }

    @Test
    public void aStartPlannedAtAnEpochThatMovedOnWritesNothing() {
        TopologyChange change = change(ChangeType.ADD_NODE, "n4", 3, streams("n4"));
        assertThat(changes.start(change, node("n4", NodeState.BOOTSTRAPPING), 2, "coord-a", LEASE))
                .isEqualTo(new Start.EpochMoved(3));
        assertThat(nodes.find(id("n4"))).isEmpty();
        assertThat(changes.find(change.id())).isEmpty();
        assertThat(nodes.epoch()).isEqualTo(3);
    }

    @Test
    public void aChangeWithNothingToStreamStartsCompletedAndUnleased() {
        TopologyChange change = change(ChangeType.ADD_NODE, "n4", 4, List.of())
                .ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(), now);
        started(changes.start(change, node("n4", NodeState.NORMAL), 3, "coord-a", LEASE));
        TopologyChange stored = changes.find(change.id()).orElseThrow();
        assertThat(stored).isEqualTo(change);
        assertThat(changes.inProgress()).isEmpty();
        assertThat(changes.claimAbandoned("coord-b", LEASE)).isEmpty();
    }

    @Test
    public void removingANodeReplacesItsRowAndANodeThatLeftCanBeAddedAgain() {
        started(changes.start(change(ChangeType.REMOVE_NODE, "n3", 4, streams("n4")).ended(ChangeStatus.COMPLETED,
                Optional.empty(), List.of(), now), node("n3", NodeState.LEFT), 3, "coord-a", LEASE));
        assertThat(nodes.find(id("n3")).orElseThrow().state()).isEqualTo(NodeState.LEFT);

        StorageNode back = new StorageNode(id("n3"), "10.0.0.9", 7100, 32, NodeState.BOOTSTRAPPING, Liveness.UP, now,
                now.plusSeconds(1));
        started(changes.start(change(ChangeType.ADD_NODE, "n3", 5, streams("n3")), back, 4, "coord-a", LEASE));
        assertThat(nodes.find(id("n3"))).contains(back);
        assertThat(nodes.epoch()).isEqualTo(5);
    }

    @Test
    public void onlyTheLeaseHolderCheckpointsProgress() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        List<RangeStream> progress = new ArrayList<>(change.streams());
        progress.set(0, progress.get(0).writingOnto("n4-data-7f3c").copied(2, 300,
                new KeyPosition(Token.parseUnsigned("1500"), new TenantId("t-1"), "user:ü")));
        progress.set(1, progress.get(1).failed(now.plusSeconds(3), "source n3 unavailable"));

        assertThat(changes.checkpoint(change.id(), "coord-b", progress, now.plusSeconds(4), LEASE)).isEqualTo(Held.LOST);
        assertThat(changes.find(change.id()).orElseThrow().streams()).isEqualTo(change.streams());

        assertThat(changes.checkpoint(change.id(), "coord-a", progress, now.plusSeconds(4), LEASE)).isEqualTo(Held.HELD);
        TopologyChange stored = changes.find(change.id()).orElseThrow();
        assertThat(stored.streams()).isEqualTo(progress);
        assertThat(stored.streams().get(0).targetData()).contains("n4-data-7f3c");
        assertThat(stored.updatedAt()).isEqualTo(now.plusSeconds(4));
        assertThat(stored.totals().keys()).isEqualTo(2);
    }

    @Test
    public void everyKeyTheDataPlaneAcceptsCanBeCheckpointedAndEndedWith() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        List<RangeStream> progress = new ArrayList<>(change.streams());
        // U+0000 is valid UTF-8 and a valid key; JSON has to escape it, and jsonb refuses the escape
        String key = "a\u0000b\\u0000\"\u0001\uD83D\uDE00";
        progress.set(0, progress.get(0).copied(1, 10, new KeyPosition(Token.parseUnsigned("1500"), new TenantId("t"), key)));
        progress.set(1, progress.get(1).failed(now.plusSeconds(1), "target n4 refused key '" + key + "'"));

        assertThat(changes.checkpoint(change.id(), "coord-a", progress, now.plusSeconds(2), LEASE)).isEqualTo(Held.HELD);
        assertThat(changes.find(change.id()).orElseThrow().streams().get(0).after().orElseThrow().key()).isEqualTo(key);

        Finish finish = changes.finish(change.id(), "coord-a", Optional.of(NodeState.LEFT), ChangeStatus.FAILED,
                Optional.of("stream 1 kept failing: key '" + key + "'"), progress, now.plusSeconds(3));
        assertThat(finish).isInstanceOf(Finish.Finished.class);
        TopologyChange ended = changes.find(change.id()).orElseThrow();
        assertThat(ended.streams().get(0).after().orElseThrow().key()).isEqualTo(key);
        assertThat(ended.error().orElseThrow()).startsWith("stream 1 kept failing: key 'a");
    }

    @Test
    public void anotherCoordinatorTakesAChangeOverOnlyOnceItsLeaseRanOut() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        assertThat(changes.claimAbandoned("coord-b", LEASE)).isEmpty();

        expireLeases();
        TopologyChange claimed = changes.claimAbandoned("coord-b", LEASE).orElseThrow();
        assertThat(claimed.id()).isEqualTo(change.id());
        assertThat(claimed.lease().orElseThrow().owner()).isEqualTo("coord-b");
        assertThat(changes.claimAbandoned("coord-c", LEASE)).isEmpty();
        // the first driver learns at its next write that the change is not its own any more
        assertThat(changes.checkpoint(change.id(), "coord-a", change.streams(), now, LEASE)).isEqualTo(Held.LOST);
        assertThat(changes.finish(change.id(), "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.COMPLETED, Optional.empty(),
                change.streams(), now)).isEqualTo(new Finish.LeaseLost());
        assertThat(changes.checkpoint(change.id(), "coord-b", change.streams(), now, LEASE)).isEqualTo(Held.HELD);
    }

    @Test
    public void onlyTheLeaseHolderRenewsAndARenewalLeavesTheProgressAlone() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        List<RangeStream> progress = new ArrayList<>(change.streams());
        progress.set(0, progress.get(0).copied(2, 300, new KeyPosition(Token.parseUnsigned("1500"), new TenantId("t"), "k")));
        changes.checkpoint(change.id(), "coord-a", progress, now.plusSeconds(1), LEASE);
        expireLeases();

        assertThat(changes.renew(change.id(), "coord-b", LEASE)).isEqualTo(Held.LOST);
        assertThat(changes.renew(change.id(), "coord-a", LEASE)).isEqualTo(Held.HELD);
        assertThat(changes.claimAbandoned("coord-b", LEASE)).as("renewed: not abandoned").isEmpty();
        assertThat(changes.find(change.id()).orElseThrow().streams()).isEqualTo(progress);
    }

    @Test
    public void aHolderWhoseLeaseRanOutKeepsItUntilSomeoneClaimsIt() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        expireLeases();
        assertThat(changes.checkpoint(change.id(), "coord-a", change.streams(), now, LEASE)).isEqualTo(Held.HELD);
        assertThat(changes.claimAbandoned("coord-b", LEASE)).isEmpty();
    }

    @Test
    public void finishingEndsTheChangeTogetherWithItsNodeStateAndAnEpochBump() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        List<RangeStream> done = change.streams().stream().map(RangeStream::done).toList();
        Instant end = now.plusSeconds(60);

        Finish finish = changes.finish(change.id(), "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.COMPLETED, Optional.empty(),
                done, end);

        assertThat(finish).isInstanceOf(Finish.Finished.class);
        assertThat(((Finish.Finished) finish).epoch()).isEqualTo(5);
        assertThat(nodes.epoch()).isEqualTo(5);
        assertThat(nodes.find(id("n4")).orElseThrow().state()).isEqualTo(NodeState.NORMAL);
        TopologyChange stored = changes.find(change.id()).orElseThrow();
        assertThat(stored).isEqualTo(((Finish.Finished) finish).change());
        assertThat(stored.status()).isEqualTo(ChangeStatus.COMPLETED);
        assertThat(stored.completedAt()).contains(end);
        assertThat(stored.streams()).isEqualTo(done);
        assertThat(stored.lease()).isEmpty();
        assertThat(changes.inProgress()).isEmpty();
        assertThat(changes.finish(change.id(), "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.COMPLETED, Optional.empty(),
                done, end)).isEqualTo(new Finish.LeaseLost());
        assertThat(nodes.epoch()).isEqualTo(5);
    }

    @Test
    public void handingOverSetsTheNodesStateWithAnEpochBumpOnceAndKeepsTheChangeLeased() {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));

        assertThat(changes.handOver(change.id(), "coord-b", NodeState.BOOTSTRAPPED, now.plusSeconds(30)))
                .as("only the lease holder").isEqualTo(new ChangeStore.HandOver.LeaseLost());
        assertThat(changes.handOver(change.id(), "coord-a", NodeState.BOOTSTRAPPED, now.plusSeconds(30)))
                .isEqualTo(new ChangeStore.HandOver.HandedOver(5));
        assertThat(nodes.find(id("n4")).orElseThrow().state()).isEqualTo(NodeState.BOOTSTRAPPED);
        assertThat(changes.handOver(change.id(), "coord-a", NodeState.BOOTSTRAPPED, now.plusSeconds(31)))
                .as("a retry bumps nothing").isEqualTo(new ChangeStore.HandOver.HandedOver(5));
        assertThat(nodes.epoch()).isEqualTo(5);
        assertThat(changes.find(change.id()).orElseThrow().inProgress()).isTrue();
        assertThat(changes.checkpoint(change.id(), "coord-a", change.streams(), now.plusSeconds(32), LEASE)).isEqualTo(Held.HELD);

        Finish finish = changes.finish(change.id(), "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.COMPLETED,
                Optional.empty(), change.streams().stream().map(RangeStream::done).toList(), now.plusSeconds(40));
        assertThat(((Finish.Finished) finish).epoch()).isEqualTo(6);
        assertThat(nodes.find(id("n4")).orElseThrow().state()).isEqualTo(NodeState.NORMAL);
        assertThat(changes.handOver(change.id(), "coord-a", NodeState.BOOTSTRAPPED, now.plusSeconds(41)))
                .as("an ended change").isEqualTo(new ChangeStore.HandOver.LeaseLost());
    }

    /**
     * A driver whose lease ran out hands its change over while another coordinator takes the change
     * over: the hand-over must not go through once the take-over is in, even if it read the change
     * before the take-over committed.
     */
    @Test
    public void aHandOverRacingATakeOverOfItsChangeIsRefusedOnceTheTakeOverIsIn() throws Exception {
        TopologyChange change = started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")),
                node("n4", NodeState.BOOTSTRAPPING), 3, "coord-a", LEASE));
        expireLeases();
        ExecutorService driverA = Executors.newSingleThreadExecutor();
        try (TakeOver takeOver = takeOverUncommitted(change.id(), "coord-b")) {
            Future<ChangeStore.HandOver> handOver = driverA.submit(() -> changes.handOver(change.id(), "coord-a",
                    NodeState.BOOTSTRAPPED, now.plusSeconds(30)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> handOver.isDone() || takeOver.holdsBack());
            takeOver.commit();

            assertThat(handOver.get(30, TimeUnit.SECONDS)).isEqualTo(new ChangeStore.HandOver.LeaseLost());
        } finally {
            driverA.shutdownNow();
        }
        assertThat(nodes.find(id("n4")).orElseThrow().state()).isEqualTo(NodeState.BOOTSTRAPPING);
        assertThat(nodes.epoch()).isEqualTo(4);
    }

    @Test
    public void aFailedChangeKeepsItsReasonAndPutsTheNodeBack() {
        TopologyChange change = started(changes.start(change(ChangeType.REMOVE_NODE, "n2", 4, streams("n4")),
                node("n2", NodeState.LEAVING), 3, "coord-a", LEASE));
        changes.finish(change.id(), "coord-a", Optional.of(NodeState.NORMAL), ChangeStatus.FAILED, Optional.of("stream 0 kept failing"),
                change.streams(), now.plusSeconds(5));
        TopologyChange stored = changes.find(change.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(ChangeStatus.FAILED);
        assertThat(stored.error()).contains("stream 0 kept failing");
        assertThat(nodes.find(id("n2")).orElseThrow().state()).isEqualTo(NodeState.NORMAL);
    }

    @Test
    public void listsTheNewestChangesFirst() {
        started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")), node("n4", NodeState.BOOTSTRAPPING), 3,
                "coord-a", LEASE));
        TopologyChange later = new TopologyChange(ChangeId.of(ChangeType.ADD_NODE, id("n5"), 5), ChangeType.ADD_NODE,
                id("n5"), ChangeStatus.IN_PROGRESS, 5, false, 0, streams("n5"), now.plusSeconds(1), now.plusSeconds(1),
                Optional.empty(), Optional.empty(), Optional.empty());
        started(changes.start(later, node("n5", NodeState.BOOTSTRAPPING), 4, "coord-a", LEASE));

        assertThat(changes.list(10)).extracting(c -> c.id().value()).containsExactly("add-n5-e5", "add-n4-e4");
        assertThat(changes.list(1)).extracting(c -> c.id().value()).containsExactly("add-n5-e5");
        assertThat(changes.inProgress()).extracting(c -> c.id().value()).containsExactly("add-n4-e4", "add-n5-e5");
    }

    @Test
    public void concurrentClaimsNeverShareAChange() throws Exception {
        started(changes.start(change(ChangeType.ADD_NODE, "n4", 4, streams("n4")), node("n4", NodeState.BOOTSTRAPPING), 3,
                "coord-a", LEASE));
        expireLeases();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Optional<TopologyChange>>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "coord-" + i;
                claims.add(() -> changes.claimAbandoned(owner, LEASE));
            }
            int won = 0;
            for (Future<Optional<TopologyChange>> f : threads.invokeAll(claims)) {
                won += f.get().isPresent() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    private Tenant tenant(String id, int rf) {
        Tenant t = new Tenant(new TenantId(id), rf, now, now, 1);
        assertThat(tenants.insert(t)).isEqualTo(TenantStore.InsertOutcome.INSERTED);
        return t;
    }

    private TopologyChange rfChange(String tenant, int from, int to, long epoch, List<RangeStream> streams) {
        ReplicationChange subject = new ReplicationChange(new TenantId(tenant), from, to);
        return new TopologyChange(ChangeId.ofReplication(subject, epoch), ChangeType.CHANGE_RF, Optional.empty(),
                ChangeStatus.IN_PROGRESS, epoch, false, 0, streams, now, now, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(subject));
    }

    @Test
    public void raisingAnRfStoresThePendingRfTheChangeAndTheEpochTogether() {
        Tenant before = tenant("orders", 2);
        long epoch = nodes.epoch();
        TopologyChange change = rfChange("orders", 2, 3, epoch + 1, streams("n3"));

        Start start = changes.startReplication(change, List.of(), before.raisingTo(3, now.plusSeconds(1)), 1, epoch,
                "coord-a", LEASE);

        assertThat(start).isInstanceOf(Start.Started.class);
        assertThat(nodes.epoch()).isEqualTo(epoch + 1);
        Tenant stored = tenants.find(before.id()).orElseThrow();
        assertThat(stored.replicationFactor()).isEqualTo(2);
        assertThat(stored.pendingReplicationFactor()).contains(3);
        assertThat(stored.version()).isEqualTo(2);
        TopologyChange found = changes.find(change.id()).orElseThrow();
        assertThat(found.withLease(Optional.empty())).isEqualTo(change);
        assertThat(found.node()).isEmpty();
        assertThat(found.lease().orElseThrow().owner()).isEqualTo("coord-a");
        assertThat(changes.inProgress()).extracting(TopologyChange::id).containsExactly(change.id());
    }

    @Test
    public void anRfChangePlannedAgainstAnOlderTenantOrEpochWritesNothing() {
        Tenant before = tenant("orders", 2);
        long epoch = nodes.epoch();
        assertThat(changes.startReplication(rfChange("orders", 2, 3, epoch + 1, streams("n3")), List.of(),
                before.raisingTo(3, now), 7, epoch, "coord-a", LEASE)).isEqualTo(new Start.EpochMoved(epoch));
        assertThat(changes.startReplication(rfChange("orders", 2, 3, epoch, streams("n3")), List.of(),
                before.raisingTo(3, now), 1, epoch - 1, "coord-a", LEASE)).isEqualTo(new Start.EpochMoved(epoch));
        assertThat(tenants.find(before.id())).contains(before);
        assertThat(changes.list(10)).isEmpty();
        assertThat(nodes.epoch()).isEqualTo(epoch);
    }

    @Test
    public void aRetriedRfChangeThatLostTheRaceToItsOwnRetryIsToldTheEpochMoved() {
        // an operator's request timed out and was retried; both were planned at the same epoch, so they
        // carry the same change id. The retry started first; the original must hear that the epoch moved,
        // not fail on the id it shares with the change the retry stored.
        Tenant before = tenant("orders", 2);
        long epoch = nodes.epoch();
        TopologyChange change = rfChange("orders", 2, 3, epoch + 1, streams("n3"));
        started(changes.startReplication(change, List.of(), before.raisingTo(3, now), 1, epoch, "coord-a", LEASE));

        assertThat(changes.startReplication(change, List.of(), before.raisingTo(3, now), 1, epoch, "coord-a", LEASE))
                .isEqualTo(new Start.EpochMoved(epoch + 1));
        assertThat(changes.list(10)).extracting(TopologyChange::id).containsExactly(change.id());
        assertThat(nodes.epoch()).isEqualTo(epoch + 1);
    }

    @Test
    public void aChangePlannedBeforeATenantWasCreatedWritesNothing() {
        long planned = nodes.epoch();
        tenant("late", 2);
        TopologyChange change = change(ChangeType.ADD_NODE, "n4", planned + 1, streams("n4"));
        assertThat(changes.start(change, node("n4", NodeState.BOOTSTRAPPING), planned, "coord-a", LEASE))
                .isEqualTo(new Start.EpochMoved(planned + 1));
        assertThat(changes.find(change.id())).isEmpty();
    }

    @Test
    public void endingAnRfChangeAppliesOrDropsThePendingRfWithAnEpochBump() {
        Tenant orders = tenant("orders", 2);
        Tenant audit = tenant("audit", 1);
        long epoch = nodes.epoch();
        TopologyChange raise = rfChange("orders", 2, 3, epoch + 1, streams("n3"));
        started(changes.startReplication(raise, List.of(), orders.raisingTo(3, now), 1, epoch, "coord-a", LEASE));

        Finish finish = changes.finish(raise.id(), "coord-a", Optional.empty(), ChangeStatus.COMPLETED, Optional.empty(),
                raise.streams(), now.plusSeconds(5));

        assertThat(finish).isInstanceOfSatisfying(Finish.Finished.class, f -> assertThat(f.epoch()).isEqualTo(epoch + 2));
        Tenant raised = tenants.find(orders.id()).orElseThrow();
        assertThat(raised.replicationFactor()).isEqualTo(3);
        assertThat(raised.pendingReplicationFactor()).isEmpty();
        assertThat(changes.find(raise.id()).orElseThrow().status()).isEqualTo(ChangeStatus.COMPLETED);

        TopologyChange failing = rfChange("audit", 1, 2, epoch + 3, streams("n3"));
        started(changes.startReplication(failing, List.of(), audit.raisingTo(2, now), 1, epoch + 2, "coord-a", LEASE));
        changes.finish(failing.id(), "coord-a", Optional.empty(), ChangeStatus.FAILED, Optional.of("stream 0 kept failing"),
                failing.streams(), now.plusSeconds(9));
        Tenant kept = tenants.find(audit.id()).orElseThrow();
        assertThat(kept.replicationFactor()).isEqualTo(1);
        assertThat(kept.pendingReplicationFactor()).isEmpty();
        assertThat(nodes.epoch()).isEqualTo(epoch + 4);
    }

    @Test
    public void anRfLoweringThatStreamsKeepsItsTargetPendingUntilItsEnd() {
        Tenant orders = tenant("orders", 3);
        Tenant audit = tenant("audit", 3);
        long epoch = nodes.epoch();
        TopologyChange lower = rfChange("orders", 3, 1, epoch + 1, streams("n1"));
        started(changes.startReplication(lower, List.of(), orders.loweringTo(1, now), 1, epoch, "coord-a", LEASE));

        Tenant lowering = tenants.find(orders.id()).orElseThrow();
        assertThat(lowering.replicationFactor()).as("reads and writes keep RF 3 meanwhile").isEqualTo(3);
        assertThat(lowering.lowering()).contains(1);

        changes.finish(lower.id(), "coord-a", Optional.empty(), ChangeStatus.COMPLETED, Optional.empty(),
                lower.streams(), now.plusSeconds(5));
        Tenant lowered = tenants.find(orders.id()).orElseThrow();
        assertThat(lowered.replicationFactor()).isEqualTo(1);
        assertThat(lowered.pendingReplicationFactor()).isEmpty();

        TopologyChange failing = rfChange("audit", 3, 2, epoch + 3, streams("n1"));
        started(changes.startReplication(failing, List.of(), audit.loweringTo(2, now), 1, epoch + 2, "coord-a", LEASE));
        changes.finish(failing.id(), "coord-a", Optional.empty(), ChangeStatus.FAILED, Optional.of("stream 0 kept failing"),
                failing.streams(), now.plusSeconds(9));
        Tenant kept = tenants.find(audit.id()).orElseThrow();
        assertThat(kept.replicationFactor()).isEqualTo(3);
        assertThat(kept.pendingReplicationFactor()).isEmpty();
    }

    @Test
    public void loweringAnRfStartsCompletedWithTheNewRf() {
        Tenant orders = tenant("orders", 3);
        long epoch = nodes.epoch();
        TopologyChange lower = rfChange("orders", 3, 2, epoch + 1, List.of()).ended(ChangeStatus.COMPLETED,
                Optional.empty(), List.of(), now);

        started(changes.startReplication(lower, List.of(), orders.withReplicationFactor(2, now), 1, epoch, "coord-a",
                LEASE));

        assertThat(tenants.find(orders.id()).orElseThrow().replicationFactor()).isEqualTo(2);
        assertThat(changes.find(lower.id())).contains(lower);
        assertThat(changes.inProgress()).isEmpty();
    }
}
