package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.NodeId;
import io.pairdb.core.ring.KeyPosition;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ChangesInFlight.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ChangesInFlightTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static RangeStream pending(int index) {
        return RangeStream.pending(index, new TokenRange(new Token(index * 10L), new Token(index * 10L + 5)),
                new NodeId("n4"), List.of(new NodeId("n1")), new TreeSet<>(Set.of(3)), TenantFilter.ALL);
    }

    private static RangeStream copied(int index) {
        return pending(index).copied(10, 1000, new KeyPosition(new Token(index * 10L + 1), new TenantId("t"), "k"));
    }

    private static TopologyChange change(String node, ChangeType type, Instant startedAt, List<RangeStream> streams) {
        return new TopologyChange(new ChangeId(type.name().toLowerCase() + "-" + node), type, new NodeId(node),
                ChangeStatus.IN_PROGRESS, 7, false, 0, streams, startedAt, startedAt, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void eachChangeIsCountedByTypeAndPhaseAndItsStreamsByState() {
        TopologyChange waiting = change("n4", ChangeType.ADD_NODE, NOW.minusSeconds(30), List.of(pending(0), pending(1)));
        TopologyChange streaming = change("n5", ChangeType.ADD_NODE, NOW.minusSeconds(600),
                List.of(copied(0).done(), copied(1), pending(2)));
        TopologyChange failing = change("n6", ChangeType.REMOVE_NODE, NOW.minusSeconds(90),
                List.of(copied(0).done(), pending(1).failed(NOW.minusSeconds(20), "n1 refused"), pending(2)));

        ChangesInFlight summary = ChangesInFlight.of(List.of(waiting, streaming, failing));

        assertThat(summary.count(ChangeType.ADD_NODE, Phase.WAITING)).isEqualTo(1);
        assertThat(summary.count(ChangeType.ADD_NODE, Phase.STREAMING)).isEqualTo(1);
        assertThat(summary.count(ChangeType.REMOVE_NODE, Phase.FAILING)).isEqualTo(1);
        assertThat(summary.count(ChangeType.CHANGE_RF, Phase.WAITING)).isZero();
        assertThat(summary.streams(StreamState.PENDING)).isEqualTo(5);
        assertThat(summary.streams(StreamState.STREAMING)).isEqualTo(1);
        assertThat(summary.streams(StreamState.DONE)).isEqualTo(2);
        assertThat(summary.failingStreams()).isEqualTo(1);
        assertThat(summary.oldestAge(NOW)).contains(Duration.ofSeconds(600));
        assertThat(summary.oldestAge(NOW.minusSeconds(900))).as("a clock behind").contains(Duration.ZERO);
    }

    @Test
    void aStreamThatFailedOnceAndCopiedSinceIsNotFailing() {
        RangeStream recovered = pending(0).failed(NOW.minusSeconds(20), "timeout")
                .copied(5, 50, new KeyPosition(new Token(1), new TenantId("t"), "k"));
        ChangesInFlight summary = ChangesInFlight.of(List.of(change("n4", ChangeType.ADD_NODE, NOW, List.of(recovered))));

        assertThat(summary.failingStreams()).isZero();
        assertThat(summary.count(ChangeType.ADD_NODE, Phase.STREAMING)).isEqualTo(1);
    }

    @Test
    void changesThatEndedAreNotInFlightAndNoneMeansNoAge() {
        TopologyChange ended = change("n4", ChangeType.ADD_NODE, NOW.minusSeconds(60), List.of(copied(0).done()))
                .ended(ChangeStatus.COMPLETED, Optional.empty(), List.of(copied(0).done()), NOW);

        ChangesInFlight summary = ChangesInFlight.of(List.of(ended));

        assertThat(summary).isEqualTo(ChangesInFlight.NONE);
        assertThat(summary.oldestAge(NOW)).isEmpty();
        assertThat(summary.streams(StreamState.DONE)).isZero();
    }
}
