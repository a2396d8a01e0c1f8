package io.pairdb.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import io.pairdb.core.port.Scheduler;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A read round that starts with no time left ends as timed out; it neither throws nor asks anyone. */
class ReplicaReadRoundDeadlineTest {
    private static final TenantId TENANT = new TenantId("acme");

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler later = new ManualScheduler(clock);
    /** Fires a timer that is already due at once, on the caller's thread, as a busy timer thread may. */
    private final Scheduler dueAtOnce = new Scheduler() {
        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            if (delay.isZero() || delay.isNegative()) {
                task.run();
                return () -> { };
            }
            return later.schedule(delay, task);
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }
    };
    private final FakeStorageNodes storage = new FakeStorageNodes();
    private final Environment env = new Environment(clock, dueAtOnce, RequestEvents.NONE,
            CoordinatorSettings.defaults());

    @Test
    void aRoundWithSparesStartedWithNoTimeLeftTimesOutWithoutAskingAnyone() {
        List<StorageNode> replicas = IntStream.rangeClosed(1, 3).mapToObj(ReplicaReadRoundDeadlineTest::node).toList();
        replicas.forEach(n -> storage.neverAnswer(n.id()));
        Deadline passed = Deadline.of(clock, Duration.ofSeconds(3), Optional.of(Duration.ZERO));

        ReplicaReadRound round = ReplicaReadRound.startWithSpares(replicas, 2, Duration.ofMillis(100), storage, TENANT,
                "k", passed, env);

        assertThat(round.quorum()).isCompleted();
        assertThat(round.quorum().join().status()).isEqualTo(ReplicaReadRound.Status.TIMED_OUT);
        assertThat(round.settled()).isCompleted();
        assertThat(storage.calls()).as("no time left: nobody is asked").isEmpty();
    }

    private static StorageNode node(int i) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new StorageNode(new NodeId("node-" + i), "10.0.0." + i, 7000, 8, NodeState.NORMAL, Liveness.UP, at, at);
    }
}
