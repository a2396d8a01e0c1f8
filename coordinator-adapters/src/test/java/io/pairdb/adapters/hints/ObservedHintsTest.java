package io.pairdb.adapters.hints;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pairdb.core.hints.DropReason;
import io.pairdb.core.node.NodeId;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObservedHintsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ObservedHints metrics = new ObservedHints(registry, java.time.Duration.ofHours(1));
    private final NodeId node = new NodeId("node-3");

    @Test
    void countsReplayedAndDroppedHintsPerNodeAndReason() {
        metrics.replayed(node, 100);
        metrics.replayed(node, 20);
        metrics.dropped(node, DropReason.MAX_ATTEMPTS, 2);
        metrics.dropped(node, DropReason.EXPIRED, 5);
        metrics.replayFailed(node, 3);

        assertThat(registry.get("coordinator.hints.replayed").tag("node", "node-3").counter().count()).isEqualTo(120);
        assertThat(registry.get("coordinator.hints.dropped").tag("node", "node-3").tag("reason", "max_attempts")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get("coordinator.hints.dropped").tag("reason", "expired").counter().count()).isEqualTo(5);
        assertThat(registry.get("coordinator.hints.replay.failures").counter().count()).isEqualTo(3);
    }

    @Test
    void thePendingGaugeShowsTheLastCountSeen() {
        metrics.pending(node, 42);
        metrics.pending(node, 7);

        assertThat(registry.get("coordinator.hints.pending").tag("node", "node-3").gauge().value()).isEqualTo(7);
    }

    @Test
    void aNodeSeenWithPendingHintsHasEveryCounterAtZeroBeforeItsFirstDrop() {
        metrics.pending(node, 0);

        for (DropReason reason : DropReason.values()) {
            assertThat(registry.get("coordinator.hints.dropped").tag("node", "node-3")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).counter().count()).isZero();
        }
        assertThat(registry.get("coordinator.hints.replayed").tag("node", "node-3").counter().count()).isZero();
        metrics.dropped(node, DropReason.EXPIRED, 4);
        assertThat(registry.get("coordinator.hints.dropped").tag("reason", "expired").counter().count()).isEqualTo(4);
    }

    @Test
    void theOldestHintsAgeIsInSecondsAndZeroWhenNoneWaits() {
        metrics.oldestPending(node, Optional.of(Duration.ofMillis(90_500)));
        assertThat(registry.get("coordinator.hints.oldest.age").tag("node", "node-3").gauge().value()).isEqualTo(90.5);

        metrics.oldestPending(node, Optional.empty());
        assertThat(registry.get("coordinator.hints.oldest.age").tag("node", "node-3").gauge().value()).isZero();
    }
}
