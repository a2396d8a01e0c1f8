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

    @Test
    void replicasFasterThanTheClocksResolutionAreWaitedForAMillisecondNotAskedPastAtOnce() {
        latencies.record(fast.id(), Duration.ZERO);

        assertThat(new SpeculationPolicy.Percentile(99).after(List.of(fast), latencies, UNMEASURED))
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void aPolicyIsReadFromItsTextAndWrittenBackTheSameWay() {
        assertThat(SpeculationPolicy.parse("p99")).isEqualTo(new SpeculationPolicy.Percentile(99));
        assertThat(SpeculationPolicy.parse("p99.9")).isEqualTo(new SpeculationPolicy.Percentile(99.9));
        assertThat(SpeculationPolicy.parse("250ms")).isEqualTo(new SpeculationPolicy.Fixed(Duration.ofMillis(250)));
        assertThat(SpeculationPolicy.parse("2s")).isEqualTo(new SpeculationPolicy.Fixed(Duration.ofSeconds(2)));
        assertThat(SpeculationPolicy.parse(" p95 , 40ms "))
                .isEqualTo(new SpeculationPolicy.LesserOf(95, Duration.ofMillis(40)));
        for (String text : List.of("p99", "p99.9", "250ms", "p95,40ms")) {
            assertThat(SpeculationPolicy.parse(text).text()).isEqualTo(text);
        }
    }

    @Test
    void aPolicyThatCannotBeReadSaysWhatIsWrong() {
        assertThatThrownBy(() -> SpeculationPolicy.parse("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("250ms");
        assertThatThrownBy(() -> SpeculationPolicy.parse("p101")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> SpeculationPolicy.parse("40ms,p95")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p99");
        assertThatThrownBy(() -> SpeculationPolicy.parse("p99,1ms,2ms")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p99,250ms");
    }

    /**
     * A delay no request lives to see is a mistake, and one past what a Duration in ms holds broke the
     * tenant store: a policy being set has a delay of a day at most. One stored before still reads.
     */
    @Test
    void aDelayAboveADayCannotBeSetButOneStoredBeforeStillReads() {
        assertThat(SpeculationPolicy.parseSetting("86400s").text()).isEqualTo("86400000ms");
        for (String text : List.of("86401s", "10000000000000000s", "p99,9223372036854775807ms")) {
            assertThatThrownBy(() -> SpeculationPolicy.parseSetting(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1 day");
        }
        assertThat(SpeculationPolicy.parse("172800000ms")).isEqualTo(new SpeculationPolicy.Fixed(Duration.ofDays(2)));
    }

    private static StorageNode node(int i) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new StorageNode(new NodeId("node-" + i), "10.0.0." + i, 7000, 8, NodeState.NORMAL, Liveness.UP, at, at);
    }
}
