package io.pairdb.core.read;

import static io.pairdb.core.replication.ConsistencyLevel.ALL;
import static io.pairdb.core.replication.ConsistencyLevel.QUORUM;
import static io.pairdb.core.testing.CoordinatorHarness.TENANT;
import static io.pairdb.core.testing.CoordinatorHarness.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.PairDbException;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.ring.Token;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.testing.CoordinatorHarness;
import io.pairdb.core.testing.FakeStorageNodes.Kind;
import io.pairdb.core.testing.InMemoryTenantStore;
import io.pairdb.core.version.Causality;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read path and read repair (DESIGN.md §6) against fake storage nodes, RF 3 on three nodes. */
class CoordinateReadTest {
    private static final String KEY = "user-1";
    private static final Version OLD = Version.of(bytes("old"), VectorClock.of("coord-1", 1), 100);
    private static final Version NEW = Version.of(bytes("new"), VectorClock.of("coord-1", 2), 200);

    private CoordinatorHarness h;

    @AfterEach
    void stopScheduler() {
        if (h != null) {
            h.close();
        }
    }

    private void threeNodesWithTenant(CoordinatorHarness.Builder builder) {
        h = builder.build();
        h.createTenant(3);
    }

    /** Blocking repair, with a read deadline far beyond the test's patience: only replies and repairs hold an answer. */
    private void threeNodesWithTenantAndBlockingRepairThatOnlyRepliesHoldUp() {
        var d = CoordinatorHarness.withBlockingRepair();
        threeNodesWithTenant(CoordinatorHarness.builder().settings(new io.pairdb.core.replication.CoordinatorSettings(
                d.writeTimeout(), Duration.ofMinutes(5), d.idempotencyTtl(), d.maxValueBytes(), d.defaultConsistency(),
                false, d.maxRepairsInFlight(), d.maxClockEntries())));
    }

    private void threeNodesWithTenant() {
        threeNodesWithTenant(CoordinatorHarness.builder());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ReadOutcome read(ConsistencyLevel cl) {
        return h.read(ReadCommand.of(TENANT, KEY, cl));
    }

    private void holding(Version... perNode) {
        for (int i = 0; i < perNode.length; i++) {
            if (perNode[i] != null) {
                h.storage().put(node(i + 1), TENANT, KEY, perNode[i]);
            }
        }
    }

    private Optional<Version> storedOn(NodeId node) {
        return h.storage().stored(node, TENANT, KEY);
    }

    private void eventually(Runnable assertion) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(assertion::run);
    }

    // ---- answers ------------------------------------------------------------------------

    @Test
    void aKeyNobodyHoldsIsNotFound() {
        threeNodesWithTenant();

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.NotFound.class, n -> {
            assertThat(n.key()).isEqualTo(KEY);
            assertThat(n.replicaCount()).isGreaterThanOrEqualTo(2);
        });
        assertThat(h.storage().calls(Kind.REPAIR)).isEmpty();
    }

    @Test
    void aReadOfAnUnknownTenantIsRefused() {
        h = CoordinatorHarness.withThreeNodes();

        assertThat(read(QUORUM)).isEqualTo(new ReadOutcome.TenantNotFound(TENANT));
        assertThat(h.storage().calls()).isEmpty();
    }

    @Test
    void aDeletedKeyIsNotFoundEvenWhereAReplicaMissedTheDelete() {
        threeNodesWithTenant();
        Version deleted = Version.tombstone(VectorClock.of("coord-1", 3), 300);
        holding(deleted, deleted, OLD);

        assertThat(read(ALL)).isInstanceOf(ReadOutcome.NotFound.class);
        eventually(() -> assertThat(storedOn(node(3))).contains(deleted));
    }

    @Test
    void aNodeMarkedDownIsNotRead() {
        threeNodesWithTenant();
        holding(NEW, NEW, NEW);
        h.markDown(node(3));

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));
        assertThat(h.storage().callsTo(node(3))).isEmpty();
        assertThat(read(ALL)).isEqualTo(new ReadOutcome.Unavailable(3, 2));
    }

    @Test
    void aBootstrappingNodeNeverServesReads() {
        threeNodesWithTenant();
        h.addNode(new NodeId("node-4"), NodeState.BOOTSTRAPPING);

        for (int i = 0; i < 50; i++) {
            h.read(ReadCommand.of(TENANT, "key-" + i, ALL));
        }

        assertThat(h.storage().callsTo(new NodeId("node-4"))).isEmpty();
    }

    @Test
    void failingReplicasMakeTheQuorumUnreachable() {
        threeNodesWithTenant();
        holding(NEW, NEW, NEW);
        h.storage().failEveryCall(node(2));
        h.storage().failEveryCall(node(3));

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.QuorumNotReached.class, q -> {
            assertThat(q.required()).isEqualTo(2);
            assertThat(q.failed()).isEqualTo(2);
        });
        assertThat(h.events().quorumFailures).hasValue(1);
    }

    @Test
    void replicasThatNeverAnswerTimeTheReadOut() {
        threeNodesWithTenant(CoordinatorHarness.builder().settings(CoordinatorHarness.withTimeouts(Duration.ofSeconds(3))));
        holding(NEW, NEW, NEW);
        h.storage().neverAnswer(node(2));
        h.storage().neverAnswer(node(3));

        assertThat(read(QUORUM)).isEqualTo(new ReadOutcome.TimedOut(2, 1));
    }

    @Test
    void oneSlowReplicaDoesNotHoldUpAQuorumRead() {
        threeNodesWithTenant(CoordinatorHarness.builder().settings(CoordinatorHarness.withTimeouts(Duration.ofSeconds(3))));
        holding(NEW, NEW, NEW);
        h.storage().neverAnswer(node(3));

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.replicaCount()).isEqualTo(2));
    }

    // ---- while the RF changes ------------------------------------------------------------

    /** The key's first three replicas of the current ring, in ring order, holding {@code held} in that order. */
    private List<NodeId> threeReplicasHolding(Version... held) {
        List<NodeId> replicas = h.topology().current().replicasFor(Token.forKey(TENANT.value(), KEY), 3).orElseThrow()
                .natural().stream().map(StorageNode::id).toList();
        for (int i = 0; i < held.length; i++) {
            h.storage().put(replicas.get(i), TENANT, KEY, held[i]);
        }
        return replicas;
    }

    /** The tenant at {@code rf} on three nodes, its RF moving to {@code to} (the cache past its TTL). */
    private void movingRf(int rf, int to) {
        CoordinatorHarness.Builder builder = CoordinatorHarness.builder();
        InMemoryTenantStore store = new InMemoryTenantStore(builder.ring());
        h = builder.tenantStore(store).build();
        h.createTenant(rf);
        Tenant tenant = store.find(TENANT).orElseThrow();
        store.update(to < rf ? tenant.loweringTo(to, h.clock().now()) : tenant.raisingTo(to, h.clock().now()),
                tenant.version());
        h.clock().advance(Duration.ofHours(1));
    }

    @Test
    void whileTheRfIsLoweredAReadAtOneNeedsAReplicaKept() {
        // found by the simulation (seed 63316): RF 3 -> 2; once the change completed, a write at all
        // reached the two replicas kept, and a coordinator still on the change's epoch read at one
        // from the dropped replica and answered the version before it
        movingRf(3, 2);
        List<NodeId> replicas = threeReplicasHolding(NEW, NEW, OLD);
        replicas.subList(0, 2).forEach(h.storage()::failEveryCall);

        assertThat(read(ConsistencyLevel.ONE)).as("the dropped replica alone is not a replica kept")
                .isInstanceOf(ReadOutcome.QuorumNotReached.class);
        h.storage().heal(replicas.get(1));
        assertThat(read(ConsistencyLevel.ONE)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));
        h.markDown(replicas.get(0));
        h.markDown(replicas.get(1));
        assertThat(read(ConsistencyLevel.ONE)).as("no replica kept is up")
                .isEqualTo(new ReadOutcome.Unavailable(1, 0));
    }

    @Test
    void whileTheRfIsRaisedAReadAtQuorumNeedsAQuorumOfTheNewReplicasToo() {
        // RF 1 -> 3: once the change completed, a write at quorum of three may miss the one replica of
        // RF 1, which a coordinator still on the change's epoch would read alone
        movingRf(1, 3);
        List<NodeId> replicas = threeReplicasHolding(OLD, NEW, NEW);
        replicas.subList(1, 3).forEach(h.storage()::failEveryCall);

        assertThat(read(QUORUM)).as("the replica of RF 1 alone is no quorum of three")
                .isInstanceOf(ReadOutcome.QuorumNotReached.class);
        h.storage().heal(replicas.get(2));
        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));
    }

    // ---- read repair ----------------------------------------------------------------------

    @Test
    void aStaleReplicaIsRepairedAfterARead() {
        threeNodesWithTenant();
        holding(NEW, NEW, OLD);

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));

        eventually(() -> assertThat(storedOn(node(3))).contains(NEW));
        assertThat(h.storage().calls(Kind.REPAIR)).extracting(c -> c.node()).containsExactly(node(3));
        assertThat(h.events().repairsTriggered).hasValue(1);
    }

    @Test
    void aReplicaMissingTheKeyIsRepairedAfterARead() {
        threeNodesWithTenant();
        holding(NEW, null, NEW);

        assertThat(read(QUORUM)).isInstanceOf(ReadOutcome.Found.class);

        eventually(() -> assertThat(storedOn(node(2))).contains(NEW));
    }

    @Test
    void replicasThatAgreeAreNotRepaired() {
        threeNodesWithTenant();
        holding(NEW, NEW, NEW);

        read(ALL);
        read(QUORUM);

        assertThat(h.storage().calls(Kind.REPAIR)).isEmpty();
        assertThat(h.events().repairsTriggered).hasValue(0);
    }

    @Test
    void concurrentVersionsResolveToTheSameWinnerEverywhereAndConverge() {
        threeNodesWithTenant();
        Version apple = Version.of(bytes("apple"), VectorClock.of("coord-a", 1), 100);
        Version banana = Version.of(bytes("banana"), VectorClock.of("coord-b", 1), 200);
        holding(apple, banana, apple);
        VectorClock both = VectorClock.of(Map.of("coord-a", 1L, "coord-b", 1L));

        ReadOutcome outcome = read(ALL);

        assertThat(outcome).isInstanceOfSatisfying(ReadOutcome.Found.class, found ->
                assertThat(found.version()).as("the later write wins, with both clocks")
                        .isEqualTo(Version.of(bytes("banana"), both, 200)));
        Version answered = ((ReadOutcome.Found) outcome).version();
        eventually(() -> {
            for (int i = 1; i <= 3; i++) {
                assertThat(storedOn(node(i))).as("node-%d", i).contains(answered);
            }
        });
        assertThat(answered.clock().compare(apple.clock())).isEqualTo(Causality.AFTER);
        assertThat(answered.clock().compare(banana.clock())).isEqualTo(Causality.AFTER);
        assertThat(h.events().conflicts).hasValue(1);
        assertThat(read(ALL)).isEqualTo(outcome);
    }

    @Test
    void aConcurrentDeleteLosesATimestampTieToAValue() {
        threeNodesWithTenant();
        Version deleted = Version.tombstone(VectorClock.of("coord-a", 1), 100);
        Version kept = Version.of(bytes("kept"), VectorClock.of("coord-b", 1), 100);
        holding(deleted, kept, deleted);

        assertThat(read(ALL)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version().value()).isEqualTo(bytes("kept")));
        eventually(() -> assertThat(storedOn(node(1))).hasValueSatisfying(v -> assertThat(v.tombstone()).isFalse()));
    }

    @Test
    void aReplyArrivingAfterTheAnswerStillTriggersRepair() {
        threeNodesWithTenant();
        holding(NEW, NEW, OLD);
        CompletableFuture<Void> slowNode = h.storage().hold(node(3));

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));
        assertThat(h.storage().calls(Kind.REPAIR)).as("nothing to repair until node-3 answers").isEmpty();

        h.storage().heal(node(3));
        slowNode.complete(null);

        eventually(() -> assertThat(storedOn(node(3))).contains(NEW));
    }

    @Test
    void blockingRepairFinishesBeforeTheReadAnswers() {
        threeNodesWithTenant(CoordinatorHarness.builder().settings(CoordinatorHarness.withBlockingRepair()));
        holding(NEW, OLD, OLD);

        assertThat(read(ALL)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));

        assertThat(List.of(storedOn(node(2)), storedOn(node(3)))).containsOnly(Optional.of(NEW));
    }

    /**
     * The blocking repair of a replica the read answered from failed: that replica is still stale, so
     * the repair that follows the later replies must include it, or it stays stale for reads that
     * land on it.
     */
    @Test
    void aReplicaWhoseBlockingRepairFailedIsRepairedAgainAfterTheAnswer() {
        threeNodesWithTenant(CoordinatorHarness.builder().settings(CoordinatorHarness.withBlockingRepair()));
        holding(NEW, OLD, OLD);
        h.storage().holdRepairs(node(2)).completeExceptionally(
                new PairDbException("node-2", "injected repair failure"));

        assertThat(read(ALL)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));

        assertThat(storedOn(node(3))).contains(NEW);
        eventually(() -> assertThat(h.storage().callsTo(node(2))).filteredOn(c -> c.kind() == Kind.REPAIR)
                .as("the blocking repair, then the one after the answer").hasSize(2));
    }

    @Test
    void blockingRepairWaitsForTheRepliesItAnswersFromNotForTheSlowestReplica() {
        threeNodesWithTenantAndBlockingRepairThatOnlyRepliesHoldUp();
        holding(NEW, OLD, null);
        h.storage().neverAnswer(node(3));

        assertThat(read(QUORUM)).isInstanceOfSatisfying(ReadOutcome.Found.class,
                found -> assertThat(found.version()).isEqualTo(NEW));

        assertThat(storedOn(node(2))).as("the stale replica it answered from is repaired before the answer")
                .contains(NEW);
    }

    @Test
    void withBlockingRepairEveryReadWaitsForItsOwnRepairEvenWhileAnotherRepairsTheKey() {
        threeNodesWithTenantAndBlockingRepairThatOnlyRepliesHoldUp();
        // a write of NEW that reached node-1 only
        holding(NEW, OLD, OLD);
        CompletableFuture<Void> repairsOfNode2 = h.storage().holdRepairs(node(2));
        h.storage().neverAnswer(node(3));

        CompletableFuture<ReadOutcome> first = h.readAsync(ReadCommand.of(TENANT, KEY, QUORUM));
        eventually(() -> assertThat(h.storage().calls(Kind.REPAIR)).hasSize(1));
        // a second read of the key while the first one's repair is under way: what node-2 holds when it answers
        CompletableFuture<Optional<Version>> node2WhenAnswered = h.readAsync(ReadCommand.of(TENANT, KEY, QUORUM))
                .thenApply(answer -> {
                    assertThat(answer).isInstanceOfSatisfying(ReadOutcome.Found.class,
                            found -> assertThat(found.version()).isEqualTo(NEW));
                    return storedOn(node(2));
                });
        eventually(() -> assertThat(node2WhenAnswered.isDone() || h.storage().calls(Kind.REPAIR).size() == 2).isTrue());
        repairsOfNode2.complete(null);

        assertThat(node2WhenAnswered.join()).as("the replica the second read answered from, when it answered")
                .contains(NEW);
        assertThat(first.join()).isInstanceOf(ReadOutcome.Found.class);
    }

    @Test
    void theReadDeadlineCoversTheTenantLookup() {
        CoordinatorHarness.Builder builder = CoordinatorHarness.builder();
        io.pairdb.core.testing.GatedTenantStore tenants = new io.pairdb.core.testing.GatedTenantStore(builder.ring());
        threeNodesWithTenant(builder.tenantStore(tenants)
                .settings(CoordinatorHarness.withTimeouts(Duration.ofMillis(500))));
        tenants.close();
        try {
            CompletableFuture<ReadOutcome> read = h.reads().execute(ReadCommand.of(TENANT, KEY, QUORUM));

            Object ended = read.handle((outcome, error) -> error != null ? error : outcome)
                    .completeOnTimeout("still waiting", 10, java.util.concurrent.TimeUnit.SECONDS).join();

            assertThat(ended).as("the read ends by its deadline while the tenant store is slow")
                    .isNotEqualTo("still waiting").isNotInstanceOf(ReadOutcome.Found.class);
            assertThat(h.storage().calls()).isEmpty();
        } finally {
            tenants.open();
        }
    }
}
