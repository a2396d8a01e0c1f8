package io.pairdb.core.replication;

import static io.pairdb.core.replication.QuorumTracker.Status.FAILED;
import static io.pairdb.core.replication.QuorumTracker.Status.PENDING;
import static io.pairdb.core.replication.QuorumTracker.Status.REACHED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuorumTrackerTest {

    @ParameterizedTest(name = "RF {0}: one={1} quorum={2} all={3}")
    @CsvSource({
            "1, 1, 1, 1",
            "2, 1, 2, 2",
            "3, 1, 2, 3",
            "4, 1, 3, 4",
            "5, 1, 3, 5",
    })
    void consistencyLevelsRequireOneAMajorityOrAll(int rf, int one, int quorum, int all) {
        assertThat(ConsistencyLevel.ONE.required(rf)).isEqualTo(one);
        assertThat(ConsistencyLevel.QUORUM.required(rf)).isEqualTo(quorum).isEqualTo(rf / 2 + 1);
        assertThat(ConsistencyLevel.ALL.required(rf)).isEqualTo(all);
    }

    @Test
    void aReplicationFactorBelowOneHasNoRequiredCount() {
        assertThatThrownBy(() -> ConsistencyLevel.QUORUM.required(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"one", "ONE", "One", "quorum", "QUORUM", "Quorum", "all", "ALL", "aLl", " quorum "})
    void parseAcceptsTheThreeLevelsInAnyCase(String text) {
        assertThat(ConsistencyLevel.parse(text)).hasValueSatisfying(cl ->
                assertThat(cl.wireName()).isEqualTo(text.trim().toLowerCase()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two", "majority", "local_quorum", "each_quorum", "any", "1", "quorum!"})
    void parseRejectsAnythingElse(String text) {
        assertThat(ConsistencyLevel.parse(text)).isEmpty();
    }

    @Test
    void parseRejectsNull() {
        assertThat(ConsistencyLevel.parse(null)).isEmpty();
    }

    @Test
    void quorumIsReachedAtTheRequiredSuccesses() {
        QuorumTracker tracker = new QuorumTracker(2, 3);

        assertThat(tracker.status()).isEqualTo(PENDING);
        assertThat(tracker.success()).isEqualTo(PENDING);
        assertThat(tracker.success()).isEqualTo(REACHED);
        assertThat(tracker.failure()).as("a late failure does not undo a reached quorum").isEqualTo(REACHED);
        assertThat(tracker.outstanding()).isZero();
    }

    @Test
    void quorumFailsAsSoonAsItCanNoLongerBeReached() {
        QuorumTracker tracker = new QuorumTracker(2, 3);

        assertThat(tracker.failure()).isEqualTo(PENDING);
        assertThat(tracker.failure()).as("one replica left, two answers needed").isEqualTo(FAILED);
        assertThat(tracker.outstanding()).isEqualTo(1);
    }

    @Test
    void allFailsOnTheFirstFailure() {
        QuorumTracker tracker = new QuorumTracker(ConsistencyLevel.ALL.required(3), 3);

        assertThat(tracker.success()).isEqualTo(PENDING);
        assertThat(tracker.failure()).isEqualTo(FAILED);
    }

    @Test
    void extraContactedReplicasToleratesMoreFailures() {
        // quorum of RF 3 plus one pending replica: 3 acks required out of 4 targets
        QuorumTracker tracker = new QuorumTracker(3, 4);

        assertThat(tracker.failure()).isEqualTo(PENDING);
        assertThat(tracker.success()).isEqualTo(PENDING);
        assertThat(tracker.success()).isEqualTo(PENDING);
        assertThat(tracker.success()).isEqualTo(REACHED);
        assertThat(tracker.successes()).isEqualTo(3);
        assertThat(tracker.failures()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 3", "3, 3", "3, 5"})
    void failsExactlyWhenFailuresExceedTheSlack(int required, int contacted) {
        QuorumTracker tracker = new QuorumTracker(required, contacted);
        int slack = contacted - required;
        for (int i = 1; i <= slack; i++) {
            assertThat(tracker.failure()).as("failure %d of %d tolerated", i, slack).isEqualTo(PENDING);
        }
        assertThat(tracker.failure()).isEqualTo(FAILED);
    }

    @Test
    void aTrackerThatCanNeverSucceedIsRefused() {
        assertThatThrownBy(() -> new QuorumTracker(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuorumTracker(0, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
