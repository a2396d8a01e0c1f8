package io.pairdb.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class PostgresRingEpochNotificationTest {
    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z");

    @Test
    void everyEpochBumpAndNothingElseNotifiesListenersWithTheNewEpoch() throws Exception {
        PostgresTestServer.reset();
        PostgresTopologyStore store = PostgresTestServer.context().getBean(PostgresTopologyStore.class);
        try (Connection listener = PostgresTestServer.endpoint().connect()) {
            try (Statement listen = listener.createStatement()) {
                listen.execute("LISTEN pairdb_ring_epoch");
            }
            StorageNode n1 = new StorageNode(new NodeId("n1"), "127.0.0.1", 7001, 150, NodeState.NORMAL, Liveness.UP,
                    now, now);
            store.insert(n1);
            store.update(n1.withLiveness(Liveness.DOWN, now.plusSeconds(1)));
            store.update(n1.withState(NodeState.LEAVING, now.plusSeconds(2)));

            PGConnection pg = listener.unwrap(PGConnection.class);
            List<String> epochs = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (PGNotification notification : pg.getNotifications(100)) {
                    epochs.add(notification.getParameter());
                }
                return epochs.size() >= 2;
            });
            // the liveness-only change in between bumped nothing, so it sent nothing
            assertThat(epochs).containsExactly("1", "2");
        }
    }
}
