package io.pairdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.testing.FakeStorageNodes;
import io.pairdb.core.testing.ThreadPoolScheduler;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CountKeysTest {
    private static final TenantId TENANT = new TenantId("t");

    private final FakeStorageNodes storage = new FakeStorageNodes();
    private final ThreadPoolScheduler scheduler = new ThreadPoolScheduler();
    private final CountKeys countKeys = new CountKeys(storage, scheduler, Duration.ofMillis(200));

    @AfterEach
    void stopScheduler() {
        scheduler.close();
    }

    private static StorageNode node(String id, NodeState state, Liveness liveness) {
        return new StorageNode(new NodeId(id), id + ".local", 7000, 150, state, liveness, Instant.EPOCH, Instant.EPOCH);
    }

    private void hold(String node, int keys) {
        for (int i = 0; i < keys; i++) {
            storage.put(new NodeId(node), TENANT, "k" + i, Version.of("v".getBytes(StandardCharsets.UTF_8),
                    VectorClock.of("c", i + 1), 1_700_000_000_000L));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void countsWhatEachNodeReportsAndLeavesOutNodesThatFailOrNeverAnswer() {
        hold("a", 3);
        hold("b", 5);
        storage.failEveryCall(new NodeId("c"));
        storage.neverAnswer(new NodeId("d"));

        var counts = countKeys.of(List.of(node("a", NodeState.NORMAL, Liveness.UP), node("b", NodeState.NORMAL, Liveness.UP),
                node("c", NodeState.NORMAL, Liveness.UP), node("d", NodeState.NORMAL, Liveness.UP)));

        assertThat(counts).containsOnlyKeys(new NodeId("a"), new NodeId("b"))
                .containsEntry(new NodeId("a"), 3L).containsEntry(new NodeId("b"), 5L);
    }

    @Test
    void liveNodesAreThoseUpAndNotLeftAndOnlyTheyAreAsked() {
        hold("joining", 2);
        hold("down", 4);
        hold("left", 6);

        var counts = countKeys.ofLiveNodes(List.of(node("joining", NodeState.BOOTSTRAPPING, Liveness.UP),
                node("leaving", NodeState.LEAVING, Liveness.UP), node("down", NodeState.NORMAL, Liveness.DOWN),
                node("left", NodeState.LEFT, Liveness.UP)));

        assertThat(counts).containsOnlyKeys(new NodeId("joining"), new NodeId("leaving"))
                .containsEntry(new NodeId("joining"), 2L).containsEntry(new NodeId("leaving"), 0L);
        assertThat(storage.calls(FakeStorageNodes.Kind.HEALTH)).extracting(c -> c.node().value())
                .containsExactlyInAnyOrder("joining", "leaving");
    }
}
