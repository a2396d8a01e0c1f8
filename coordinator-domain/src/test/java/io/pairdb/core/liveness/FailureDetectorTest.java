package io.pairdb.core.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
    private final NodeId node = new NodeId("node-1");
    private final FailureDetector detector = new FailureDetector(3);

    @Test
    void aNodeIsUpUntilItsThirdConsecutiveFailedProbe() {
        assertThat(detector.liveness(node)).isEqualTo(Liveness.UP);
        assertThat(detector.failed(node)).isEmpty();
        assertThat(detector.failed(node)).isEmpty();
        assertThat(detector.liveness(node)).isEqualTo(Liveness.UP);

        assertThat(detector.failed(node)).contains(Liveness.DOWN);
        assertThat(detector.liveness(node)).isEqualTo(Liveness.DOWN);
    }

    @Test
    void aSuccessfulProbeStartsTheCountAgain() {
        detector.failed(node);
        detector.failed(node);
        assertThat(detector.succeeded(node)).isEmpty();
        detector.failed(node);
        assertThat(detector.failed(node)).isEmpty();
        assertThat(detector.consecutiveFailures(node)).isEqualTo(2);
        assertThat(detector.liveness(node)).isEqualTo(Liveness.UP);
    }

    @Test
    void aDownNodeIsUpAgainOnItsFirstSuccessfulProbe() {
        for (int i = 0; i < 3; i++) {
            detector.failed(node);
        }
        assertThat(detector.failed(node)).as("further failures are no new transition").isEmpty();

        assertThat(detector.succeeded(node)).contains(Liveness.UP);
        assertThat(detector.succeeded(node)).isEmpty();
        assertThat(detector.consecutiveFailures(node)).isZero();
    }

    @Test
    void eachNodeIsJudgedOnItsOwnProbes() {
        NodeId other = new NodeId("node-2");
        detector.failed(node);
        detector.failed(node);
        detector.failed(other);

        assertThat(detector.failed(node)).contains(Liveness.DOWN);
        assertThat(detector.liveness(other)).isEqualTo(Liveness.UP);
    }

    @Test
    void aThresholdOfOneMarksANodeDownOnItsFirstFailure() {
        assertThat(new FailureDetector(1).failed(node)).isEqualTo(Optional.of(Liveness.DOWN));
    }
}
