package io.pairdb.adapters.postgres;

import static org.awaitility.Awaitility.await;

import io.pairdb.core.node.Liveness;
import io.pairdb.core.node.NodeId;
import io.pairdb.core.node.NodeState;
import io.pairdb.core.node.StorageNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PostgresRingEpochListenerTest {
    @Test
    void hearsAnEpochBumpCommittedByAnotherConnection() {
        PostgresTestServer.reset();
        var context = PostgresTestServer.context();
        AtomicInteger heard = new AtomicInteger();
        try (var listener = new PostgresRingEpochListener(context.getBean(DataSource.class), heard::incrementAndGet).start()) {
            // once at connect, for what may have been missed before
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() >= 1);
            int before = heard.get();
            Instant now = Instant.parse("2026-01-02T03:04:05Z");
            context.getBean(PostgresTopologyStore.class).insert(new StorageNode(new NodeId("n1"), "127.0.0.1", 7001, 8,
                    NodeState.NORMAL, Liveness.UP, now, now));
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() > before);
        }
    }
}
