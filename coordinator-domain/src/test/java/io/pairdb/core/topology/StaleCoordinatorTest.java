package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.testing.CoordinatorHarness;
import io.pairdb.core.write.WriteCommand;
import io.pairdb.core.write.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A coordinator that cannot confirm its ring epoch (cut off from the store) stops serving before
 * the epoch fence may stop waiting for it: otherwise it keeps routing by a ring a change has moved
 * past, and what it acknowledges there is lost when the change completes.
 */
class StaleCoordinatorTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final CoordinatorHarness h = CoordinatorHarness.builder().confirmEpochWithin(BOUND).build();

    @AfterEach
    void close() {
        h.close();
    }

    private WriteOutcome put(String key) {
        return h.write(WriteCommand.put(CoordinatorHarness.TENANT, key, "v".getBytes(StandardCharsets.UTF_8),
                ConsistencyLevel.QUORUM));
    }

    private ReadOutcome get(String key) {
        return h.read(new ReadCommand(CoordinatorHarness.TENANT, key, ConsistencyLevel.QUORUM, Optional.empty()));
    }

    @Test
    void aCoordinatorThatHasNotConfirmedItsRingWithinTheBoundServesNothingUntilItHas() {
        h.createTenant(3);
        h.topology().confirm(epoch -> {
        });
        Instant confirmed = h.clock().now();
        assertThat(put("before")).isInstanceOf(WriteOutcome.Written.class);

        h.clock().advance(BOUND);
        h.storage().forgetCalls();

        assertThat(put("after")).isInstanceOfSatisfying(WriteOutcome.TopologyStale.class, stale -> {
            assertThat(stale.stale().confirmedAt()).contains(confirmed);
            assertThat(stale.stale().epoch()).isEqualTo(h.topology().current().epoch());
        });
        assertThat(get("before")).isInstanceOf(ReadOutcome.TopologyStale.class);
        assertThat(h.storage().calls()).as("no replica is called").isEmpty();
        assertThat(h.events().completed()).extracting(c -> c.operation() + " " + c.status())
                .contains("WRITE TOPOLOGY_STALE", "READ TOPOLOGY_STALE");

        h.topology().confirm(epoch -> {
        });
        assertThat(put("after")).isInstanceOf(WriteOutcome.Written.class);
        assertThat(get("before")).isInstanceOf(ReadOutcome.Found.class);
    }

    @Test
    void aConfirmationWhoseAnnouncementFailedConfirmsNothing() {
        h.createTenant(3);
        try {
            h.topology().confirm(epoch -> {
                throw new io.pairdb.core.PairDbException("registry", "PostgreSQL unreachable");
            });
        } catch (io.pairdb.core.PairDbException expected) {
            // the heartbeat did not reach the registry
        }
        assertThat(put("k")).isInstanceOf(WriteOutcome.TopologyStale.class);
        assertThat(h.topology().freshness()).isInstanceOfSatisfying(ClusterTopology.Freshness.Stale.class,
                stale -> assertThat(stale.confirmedAt()).isEmpty());
    }
}
