package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.pairdb.embedded.FreePorts;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.GetChangeRequest;
import io.pairdb.proto.admin.v1.RemoveStorageNodeRequest;
import io.pairdb.proto.admin.v1.TopologyChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A coordinator cut off from PostgreSQL while its clients, Redis and the storage nodes still reach
 * it, during an RF 1 node removal another coordinator drives: it must stop serving before the
 * epoch fence stops waiting for it, or what it acknowledges on the old owner after the range was
 * streamed is lost when the change completes. The cut-off coordinator is the packaged jar as its
 * own process, connected to PostgreSQL through a proxy the test cuts.
 */
class StaleCoordinatorIT {
    private static final String TENANT = "cutoff";
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.topology-changes.liveness-timeout", "4s"));
    private static final Pattern HOST_PORT = Pattern.compile("//([^:/]+):(\\d+)/");

    @Test
    void aCoordinatorCutOffFromPostgresDuringAnRf1RemovalStopsServingAndNoAcknowledgedWriteIsLost() throws Exception {
        try (InProcessCoordinator driver = InProcessCoordinator.start(4, TIMINGS)) {
            driver.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(1).build());
            Map<String, Object> db = driver.cluster.properties();
            String url = db.get("datasources.default.url").toString();
            Matcher m = HOST_PORT.matcher(url);
            assertThat(m.find()).as("host and port in %s", url).isTrue();
            int grpcPort = FreePorts.pick();
            List<String> args = new ArrayList<>(List.of("--pairdb.coordinator.node-id=cutoff"));
            TIMINGS.forEach((k, v) -> args.add("--" + k + "=" + v));
            AcknowledgedWrites writes = new AcknowledgedWrites(TENANT);
            Map<String, String> stale = new ConcurrentHashMap<>();
            TopologyChange change;
            try (TcpProxy proxy = TcpProxy.to(m.group(1), Integer.parseInt(m.group(2)));
                 CoordinatorProcess cutOff = CoordinatorProcess.start("cutoff", CoordinatorProcess.beside(db,
                         url.substring(0, m.start()) + "//127.0.0.1:" + proxy.port() + "/" + url.substring(m.end()),
                         grpcPort), args.toArray(String[]::new))) {
                cutOff.awaitLine("PairDB coordinator ready", Duration.ofMinutes(2));
                ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
                try {
                    DataPlane viaCutOff = DataPlane.over(channel);
                    // a process just started looks the tenant up cold, which on a busy machine can take
                    // longer than the test's 2 s write timeout: the preload starts once one write went through
                    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                            .ignoreException(StatusRuntimeException.class).until(() -> {
                                writes.write(viaCutOff, "warm-up");
                                return true;
                            });
                    writes.preload(viaCutOff, "before-", 300);

                    try (StaleWriter writer = new StaleWriter(writes, viaCutOff, stale)) {
                        writer.awaitAttempts(50);
                        proxy.cut();
                        String id = driver.admin().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                                .setNodeId("node-4").build()).getChange().getChangeId();
                        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                                .until(() -> !change(driver, id).getStatus().name().equals("CHANGE_STATUS_IN_PROGRESS"));
                        change = change(driver, id);
                        // the cut-off coordinator is still asked after the change ended
                        writer.awaitAttempts(writer.attempts() + 50);
                    }
                } finally {
                    channel.shutdownNow();
                }
            }

            assertThat(change.getStatus().name()).as(change.getError()).isEqualTo("CHANGE_STATUS_COMPLETED");
            writes.assertEveryAcknowledgedKeyReadsAtAll(driver);
            assertThat(stale).as("the cut-off coordinator answered TOPOLOGY_STALE once it could not confirm its ring")
                    .isNotEmpty();
        }
    }

    private static TopologyChange change(InProcessCoordinator via, String id) {
        return via.admin().getChange(GetChangeRequest.newBuilder().setChangeId(id).build()).getChange();
    }

    /** Writes new keys through the cut-off coordinator until closed, noting which were refused as stale. */
    private static final class StaleWriter implements AutoCloseable {
        private final Thread thread;
        private final Set<String> tried = ConcurrentHashMap.newKeySet();
        private volatile boolean stop;

        StaleWriter(AcknowledgedWrites writes, DataPlane via, Map<String, String> stale) {
            thread = Thread.ofPlatform().name("stale-writer").start(() -> {
                for (int i = 0; !stop; i++) {
                    String key = "during-" + i;
                    tried.add(key);
                    try {
                        writes.write(via, key);
                    } catch (StatusRuntimeException e) {
                        if ("TOPOLOGY_STALE".equals(reason(e))) {
                            stale.put(key, e.getStatus().getDescription());
                        }
                    }
                }
            });
        }

        int attempts() {
            return tried.size();
        }

        void awaitAttempts(int count) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> tried.size() >= count);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(Duration.ofSeconds(60));
        }
    }
}
