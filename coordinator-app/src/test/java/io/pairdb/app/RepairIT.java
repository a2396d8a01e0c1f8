package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.core.ring.Token;
import io.pairdb.core.version.VectorClock;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.RepairRequest;
import io.pairdb.proto.admin.v1.RepairResponse;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.storage.server.EntryScan;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import io.pairdb.storage.server.TokenRange;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code Repair} through the admin API of a running coordinator in front of three emulator nodes:
 * a node that lost its data and a replica that missed deletes (their hints long gone) become equal
 * to the others again, counted on the nodes themselves; a dry run only counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepairIT {
    private static final String TENANT = "repaired";
    private static final int KEYS = 1_500;

    private InProcessCoordinator coordinator;

    @BeforeAll
    void start() {
        // four ranges at a time (the other repair tests run the default of one)
        coordinator = InProcessCoordinator.start(3, Map.of("pairdb.repair.ranges-in-parallel", 4));
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT).setReplicationFactor(3).build());
    }

    @AfterAll
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void aWipedNodeAndAReplicaThatMissedDeletesAreRepairedAndADryRunOnlyCounts() throws Exception {
        for (int i = 0; i < KEYS; i++) {
            coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey("k" + i)
                    .setValue(ByteString.copyFromUtf8("v" + i)).setConsistency("all").build());
        }
        List<StorageNodeEmulator> nodes = coordinator.cluster.nodes();
        nodes.get(0).store().clear();
        // deletes that reached two replicas while the third was away, its hints dropped since
        for (int i = 0; i < KEYS; i += 3) {
            String key = "k" + i;
            for (StorageNodeEmulator node : List.of(nodes.get(0), nodes.get(1))) {
                StoredVersion held = nodes.get(2).store().get(TENANT, key).orElseThrow();
                VectorClock later = held.clock().with("deleter", 1);
                node.store().apply(new StoredEntry(TENANT, key, Token.forKey(TENANT, key).value(),
                        StoredVersion.tombstone(later, held.timestampMs() + 1)));
            }
        }
        long before = divergentKeys(nodes, TENANT);
        var heldBefore = held(nodes, TENANT);

        RepairResponse dryRun = coordinator.admin().repair(RepairRequest.newBuilder().setTenantId(TENANT)
                .setDryRun(true).build());

        assertThat(before).isEqualTo(KEYS);
        assertThat(dryRun.getDryRun()).isTrue();
        assertThat(dryRun.getTotal().getKeysDiffering()).isEqualTo(before);
        assertThat(dryRun.getTotal().getEntriesWritten()).isZero();
        assertThat(held(nodes, TENANT)).isEqualTo(heldBefore);

        RepairResponse repaired = coordinator.admin().repair(RepairRequest.newBuilder().setTenantId(TENANT).build());

        System.out.printf("RepairIT: %d divergent keys before, %d after; %s%n", before, divergentKeys(nodes, TENANT),
                repaired.getTotal().toString().replace('\n', ' '));
        assertThat(repaired.getFailuresList()).isEmpty();
        assertThat(repaired.getTotal().getKeysDiffering()).isEqualTo(before);
        assertThat(divergentKeys(nodes, TENANT)).isZero();
        PrometheusText metrics = scrape();
        assertThat(metrics.value("coordinator_repair_keys_differing_total", Map.of("mode", "dry_run"))).isEqualTo(before);
        assertThat(metrics.value("coordinator_repair_keys_repaired_total", Map.of("mode", "repair")))
                .isEqualTo(repaired.getTotal().getEntriesWritten());
        assertThat(metrics.value("coordinator_repair_ranges_total", Map.of("mode", "repair", "outcome", "failed"))).isZero();
        for (int i = 0; i < KEYS; i++) {
            ReadKeyValueRequest read = ReadKeyValueRequest.newBuilder().setTenantId(TENANT).setKey("k" + i)
                    .setConsistency("all").build();
            if (i % 3 == 0) {
                assertThatThrownBy(() -> coordinator.data().readKeyValue(read)).as("k%d stays deleted", i)
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
            } else {
                assertThat(coordinator.data().readKeyValue(read).getValue().toStringUtf8()).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void largeValuesAReplicaLacksAreRepairedInBatchesANodeTakes() {
        String tenant = "large-values";
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(tenant).setReplicationFactor(3).build());
        List<StorageNodeEmulator> nodes = coordinator.cluster.nodes();
        // six values of 900 kB that one leaf of the descent holds: sent as one batch, 5.4 MB, over the
        // 4 MiB a node's gRPC server takes in a request
        List<String> keys = keysInTheFirstQuarterOfARange(tenant, nodes, 6);
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            StoredEntry large = new StoredEntry(tenant, key, Token.forKey(tenant, key).value(),
                    StoredVersion.value(ByteString.copyFrom(new byte[900_000]), VectorClock.of("writer", i + 1), i + 1));
            nodes.get(1).store().apply(large);
            nodes.get(2).store().apply(large);
        }

        RepairResponse repaired = coordinator.admin().repair(RepairRequest.newBuilder().setTenantId(tenant).build());

        assertThat(repaired.getFailuresList()).isEmpty();
        assertThat(repaired.getTotal().getKeysDiffering()).isEqualTo(6);
        assertThat(divergentKeys(nodes, tenant)).isZero();
        assertThat(held(nodes, tenant).getFirst()).containsOnlyKeys(keys);
    }

    /**
     * Keys of the tenant in the first quarter of the widest range of the nodes' ring (their virtual
     * nodes' tokens, as the coordinator places them): with no other keys there, a repair's descent
     * finds them all in one leaf.
     */
    private static List<String> keysInTheFirstQuarterOfARange(String tenant, List<StorageNodeEmulator> nodes, int count) {
        List<Long> tokens = new ArrayList<>();
        for (StorageNodeEmulator node : nodes) {
            for (int i = 0; i < io.pairdb.core.node.StorageNode.DEFAULT_VIRTUAL_NODES; i++) {
                tokens.add(Token.forVnode(node.nodeId(), i).value());
            }
        }
        tokens.sort(Long::compareUnsigned);
        long from = 0;
        long width = 0;
        for (int i = 1; i < tokens.size(); i++) {
            if (Long.compareUnsigned(tokens.get(i) - tokens.get(i - 1), width) > 0) {
                from = tokens.get(i - 1);
                width = tokens.get(i) - tokens.get(i - 1);
            }
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            long offset = Token.forKey(tenant, "large-" + i).value() - from;
            if (offset != 0 && Long.compareUnsigned(offset, Long.divideUnsigned(width, 4)) <= 0) {
                keys.add("large-" + i);
            }
        }
        return keys;
    }

    @Test
    void anUnknownTenantOrNodeIsNotFound() {
        assertThatThrownBy(() -> coordinator.admin().repair(RepairRequest.newBuilder().setTenantId("nobody").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> coordinator.admin().repair(RepairRequest.newBuilder().setNodeId("node-9").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getDescription()).contains("node-9"));
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + coordinator.httpPort + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    /** Each node's keys of the tenant with their clocks, read on the nodes themselves. */
    static List<Map<String, VectorClock>> held(List<StorageNodeEmulator> nodes, String tenant) {
        List<Map<String, VectorClock>> held = new ArrayList<>();
        for (StorageNodeEmulator node : nodes) {
            Map<String, VectorClock> clocks = new HashMap<>();
            try (EntryScan scan = node.store().scan(TokenRange.fullRing(), Optional.of(tenant), Optional.empty())) {
                scan.forEachRemaining(e -> clocks.put(e.key(), e.version().clock()));
            }
            held.add(clocks);
        }
        return held;
    }

    /** Keys of the tenant that not every node holds in the same version (missing counts as different). */
    static long divergentKeys(List<StorageNodeEmulator> nodes, String tenant) {
        List<Map<String, VectorClock>> held = held(nodes, tenant);
        Set<String> keys = new HashSet<>();
        held.forEach(m -> keys.addAll(m.keySet()));
        return keys.stream().filter(k -> held.stream().map(m -> Optional.ofNullable(m.get(k))).distinct().count() > 1)
                .count();
    }
}
