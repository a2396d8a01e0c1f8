package io.pairdb.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.cleanup.CleanupOutcome;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.port.CleanupStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node that kept a copy of ranges it gave away (its cleanup never ran, or was skipped run after
 * run) must not become their replica again once the copy is older than the window: the deletes it
 * missed may have lost their tombstones on the replicas, and the old values would come back.
 */
class UncleanedCopiesTest {
    private final ChangeCluster cluster = new ChangeCluster();
    private final ChangeCluster.Coordinator a;
    private final TopologyChange added;

    UncleanedCopiesTest() {
        for (int i = 1; i <= 3; i++) {
            cluster.node("n" + i, 16);
        }
        cluster.tenant("t", 2);
        cluster.load("t", 200);
        a = cluster.coordinator("coord-a");
        added = a.add("n4", 16).change();
        cluster.runUntil(() -> !cluster.change(added.id()).inProgress(), Duration.ofSeconds(30), a);
        assertThat(cluster.change(added.id()).status()).isEqualTo(ChangeStatus.COMPLETED);
    }

    @Test
    public void givingTheRangesBackIsRefusedOnceTheCopiesLeftBehindAreOlderThanTheWindow() {
        cluster.clock.advance(ChangeCluster.UNCLEANED_WINDOW.plusSeconds(1));
        long epoch = cluster.nodes.epoch();

        StartOutcome outcome = a.removeNode.remove(new NodeId("n4"), false);

        assertThat(outcome).isInstanceOfSatisfying(StartOutcome.Conflicting.class, c -> {
            assertThat(c.other()).isEqualTo(added.id());
            assertThat(c.reason()).contains("still holds range").contains("not attempted yet")
                    .contains("pairdb-admin cleanup force " + added.id() + " --reason");
        });
        assertThat(cluster.nodes.epoch()).as("nothing started").isEqualTo(epoch);
        assertThat(cluster.stored("n4").state()).isEqualTo(io.pairdb.core.node.NodeState.NORMAL);
    }

    @Test
    public void withinTheWindowTheRangesGoBackToTheNodesThatStillHoldThem() {
        cluster.clock.advance(ChangeCluster.UNCLEANED_WINDOW.minusSeconds(60));

        assertThat(a.removeNode.remove(new NodeId("n4"), false)).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    public void onceTheCleanupDeletedOrKeptEveryCopyTheRangesMayGoBackAtAnyAge() {
        cluster.clock.advance(ChangeCluster.UNCLEANED_WINDOW.plusSeconds(1));
        List<CleanupStore.Claimed> due = cluster.cleanups.claimDue(cluster.clock.now(), Instant.MAX, "cleaner",
                Duration.ofMinutes(1), 1000);
        assertThat(due).isNotEmpty();
        for (int i = 0; i < due.size(); i++) {
            CleanupStore.Claimed c = due.get(i);
            // the last one skipped: one copy left is enough to refuse
            CleanupOutcome outcome = i < due.size() - 1 ? new CleanupOutcome.Deleted(1, cluster.clock.now())
                    : new CleanupOutcome.Skipped("replicas disagree", cluster.clock.now());
            cluster.cleanups.record(c.cleanup().change(), c.cleanup().release().index(), "cleaner", outcome,
                    cluster.clock.now());
        }
        StartOutcome skipped = a.removeNode.remove(new NodeId("n4"), false);
        assertThat(skipped).isInstanceOfSatisfying(StartOutcome.Conflicting.class,
                c -> assertThat(c.reason()).contains("skipped at its last attempt: replicas disagree"));

        CleanupStore.Claimed last = cluster.cleanups.claimDue(cluster.clock.now().plusSeconds(1), Instant.MAX, "cleaner",
                Duration.ofMinutes(1), 1000).getFirst();
        cluster.cleanups.record(last.cleanup().change(), last.cleanup().release().index(), "cleaner",
                new CleanupOutcome.Kept("the node replicates the range again", cluster.clock.now()), cluster.clock.now());

        assertThat(a.removeNode.remove(new NodeId("n4"), false)).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    public void aReplicationFactorRaiseOntoTheOldCopiesIsRefusedTheSameWay() {
        cluster.clock.advance(ChangeCluster.UNCLEANED_WINDOW.plusSeconds(1));

        ChangeReplicationFactor.Outcome outcome = a.changeRf.change(new io.pairdb.core.tenant.TenantId("t"), 3);

        assertThat(outcome).isInstanceOfSatisfying(ChangeReplicationFactor.Outcome.Conflicting.class,
                c -> assertThat(c.other()).isEqualTo(added.id()));
    }
}
