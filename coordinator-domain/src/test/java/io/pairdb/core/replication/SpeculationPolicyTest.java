package io.pairdb.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a late quorum makes a read round ask one more replica. */
class SpeculationPolicyTest {
    private static final Duration UNMEASURED = Duration.ofMillis(500);
    private final ReplicaLatencies latencies = new ReplicaLatencies();
    private final StorageNode fast = node(1);
    private final StorageNode steady = node(2);

    @Test
    void aPercentileWaitsForTheSlowestAskedReplicasRecentPercentile() {
        for (int ms = 1; ms <= 100; ms++) {
            latencies.record(fast.id(), Duration.ofMillis(ms));
            latencies.record(steady.id(), Duration.ofMillis(ms * 2));
        }

        assertThat(new SpeculationPolicy.Percentile(99).after(List.of(fast), latencies, UNMEASURED))
                .isEqualTo(Duration.ofMillis(99));
        assertThat(new SpeculationPolicy.Percentile(50).after(List.of(fast, steady), latencies, UNMEASURED))
                .as("the quorum waits for its slowest member").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aPercentileWaitsTheFallbackWhileAnAskedReplicaIsUnmeasured() {
        latencies.record(fast.id(), Duration.ofMillis(3));

        assertThat(new SpeculationPolicy.Percentile(99).after(List.of(fast, steady), latencies, UNMEASURED))
                .isEqualTo(UNMEASURED);
    }

    @Test
    void aFixedTimeIgnoresTheLatencies() {
        latencies.record(fast.id(), Duration.ofMillis(3));

        assertThat(new SpeculationPolicy.Fixed(Duration.ofMillis(40)).after(List.of(fast), latencies, UNMEASURED))
                .isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void theLesserOfTakesWhicheverComesFirst() {
        latencies.record(fast.id(), Duration.ofMillis(3));
        latencies.record(steady.id(), Duration.ofMillis(90));
        SpeculationPolicy lesser = new SpeculationPolicy.LesserOf(99, Duration.ofMillis(40));

        assertThat(lesser.after(List.of(fast), latencies, UNMEASURED)).as("the percentile is sooner")
                .isEqualTo(Duration.ofMillis(3));
        assertThat(lesser.after(List.of(steady), latencies, UNMEASURED)).as("the fixed time is sooner")
                .isEqualTo(Duration.ofMillis(40));
        assertThat(lesser.after(List.of(node(3)), latencies, UNMEASURED)).as("unmeasured: the fixed time")
                .isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void thePercentileLooksAtRecentAnswersOnly() {
        for (int i = 0; i < ReplicaLatencies.WINDOW; i++) {
            latencies.record(fast.id(), Duration.ofSeconds(2));
        }
        for (int i = 0; i < ReplicaLatencies.WINDOW; i++) {
            latencies.record(fast.id(), Duration.ofMillis(2));
        }

        assertThat(latencies.percentile(fast.id(), 100)).hasValue(Duration.ofMillis(2));
    }

    @Test
    void refusesAPercentileOutsideTheRangeAndANegativeDelay() {
        assertThatThrownBy(() -> new SpeculationPolicy.Percentile(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> new SpeculationPolicy.LesserOf(101, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> new SpeculationPolicy.Fixed(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    private static StorageNode node(int i) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new StorageNode(new NodeId("node-" + i), "10.0.0." + i, 7000, 8, NodeState.NORMAL, Liveness.UP, at, at);
    }
}
