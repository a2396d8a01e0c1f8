package io.pairdb.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Replicas are asked fastest first, by the latency this coordinator measured. */
class ReplicaLatenciesTest {
    private static final TenantId TENANT = new TenantId("acme");
    private final List<StorageNode> ring = IntStream.rangeClosed(1, 3).mapToObj(ReplicaLatenciesTest::node).toList();
    private final ReplicaLatencies latencies = new ReplicaLatencies();

    @Test
    void countsEveryAnswerOfANodeTimedOrNot() {
        latencies.record(id(1), Duration.ofMillis(3));
        latencies.answered(id(1));
        latencies.answered(id(2));

        assertThat(latencies.answers(id(1))).isEqualTo(2);
        assertThat(latencies.answers(id(2))).isEqualTo(1);
        assertThat(latencies.answers(id(3))).isZero();
        assertThat(latencies.estimate(id(2))).as("an untimed answer is no latency").isEmpty();
    }

    @Test
    void ordersTheReplicasByRecentLatencyFastestFirst() {
        latencies.record(id(1), Duration.ofMillis(40));
        latencies.record(id(2), Duration.ofMillis(2));
        latencies.record(id(3), Duration.ofMillis(9));

        assertThat(ids(latencies.fastestFirst(ring))).containsExactly("node-2", "node-3", "node-1");
    }

    @Test
    void anUnmeasuredReplicaComesFirstAndTiesKeepTheRingOrder() {
        latencies.record(id(1), Duration.ofMillis(5));
        latencies.record(id(3), Duration.ofMillis(5));

        assertThat(ids(latencies.fastestFirst(ring))).containsExactly("node-2", "node-1", "node-3");
        assertThat(ids(new ReplicaLatencies().fastestFirst(ring))).as("nothing measured: the ring's order")
                .containsExactly("node-1", "node-2", "node-3");
    }

    @Test
    void theEstimateFollowsRecentAnswersSoARecoveredReplicaIsPreferredAgain() {
        latencies.record(id(1), Duration.ofMillis(200));
        latencies.record(id(2), Duration.ofMillis(10));
        for (int i = 0; i < 30; i++) {
            latencies.record(id(1), Duration.ofMillis(1));
        }

        assertThat(latencies.estimate(id(1))).hasValueSatisfying(d -> assertThat(d).isLessThan(Duration.ofMillis(10)));
        assertThat(ids(latencies.fastestFirst(ring.subList(0, 2)))).containsExactly("node-1", "node-2");
        assertThat(latencies.estimate(id(3))).isEmpty();
    }

    @Test
    void aPercentileIsTheNearestRankOfTheLastWindowOfAnswersOnly() {
        // many repeats, so values leave the window while equal ones stay in it
        java.util.Random random = new java.util.Random(20);
        java.util.ArrayDeque<Long> lastWindow = new java.util.ArrayDeque<>();
        for (int i = 0; i < ReplicaLatencies.WINDOW * 5; i++) {
            long millis = i < ReplicaLatencies.WINDOW * 2 ? 500 + random.nextInt(40) : random.nextInt(40);
            latencies.record(id(1), Duration.ofMillis(millis));
            lastWindow.addLast(millis);
            if (lastWindow.size() > ReplicaLatencies.WINDOW) {
                lastWindow.removeFirst();
            }
            long[] sorted = lastWindow.stream().mapToLong(Long::longValue).sorted().toArray();
            for (double p : new double[] {50, 90, 99, 99.9, 100}) {
                int rank = Math.max(1, (int) Math.ceil(p / 100 * sorted.length));
                assertThat(latencies.percentile(id(1), p)).as("p%s after %d answers", p, i + 1)
                        .hasValue(Duration.ofMillis(sorted[rank - 1]));
            }
        }
        assertThat(latencies.percentile(id(1), 100)).as("the slow early answers have left the window")
                .hasValueSatisfying(d -> assertThat(d).isLessThan(Duration.ofMillis(40)));
        assertThat(latencies.percentile(id(2), 99)).isEmpty();
    }

    @Test
    void refusesANegativeDuration() {
        assertThatThrownBy(() -> latencies.record(id(1), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void aReadRoundFeedsTheEstimatesSoTheNextRoundAsksTheFastReplicasFirst() {
        ManualClock clock = new ManualClock();
        Environment env = new Environment(clock, new ManualScheduler(clock), RequestEvents.NONE,
                CoordinatorSettings.defaults());
        FakeStorageNodes storage = new FakeStorageNodes();
        CompletableFuture<Void> slow = storage.hold(id(1));
        ReplicaReadRound first = ReplicaReadRound.start(ring, 2, storage, TENANT, "k", deadline(clock), env);
        assertThat(first.quorum()).isCompleted();
        clock.advance(Duration.ofMillis(80));
        slow.complete(null);
        assertThat(first.settled()).isCompleted();
        storage.heal(id(1));
        storage.forgetCalls();

        ReplicaReadRound.startWithSpares(env.latencies().fastestFirst(ring), 2, Duration.ofSeconds(1), storage,
                TENANT, "k", deadline(clock), env).quorum().join();

        assertThat(storage.calls()).extracting(c -> c.node().value()).containsExactlyInAnyOrder("node-2", "node-3");
    }

    private static Deadline deadline(ManualClock clock) {
        return Deadline.of(clock, Duration.ofSeconds(3), java.util.Optional.empty());
    }

    private static List<String> ids(List<StorageNode> nodes) {
        return nodes.stream().map(n -> n.id().value()).toList();
    }

    private static NodeId id(int i) {
        return new NodeId("node-" + i);
    }

    private static StorageNode node(int i) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new StorageNode(id(i), "10.0.0." + i, 7000, 8, NodeState.NORMAL, Liveness.UP, at, at);
    }
}
