package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.gatewayclient.AddStorageNodeRequest;
import io.pairdb.gatewayclient.AddStorageNodeResponse;
import io.pairdb.gatewayclient.CoordinatorServiceGrpc;
import io.pairdb.gatewayclient.CreateTenantRequest;
import io.pairdb.gatewayclient.CreateTenantResponse;
import io.pairdb.gatewayclient.GetMigrationStatusRequest;
import io.pairdb.gatewayclient.GetMigrationStatusResponse;
import io.pairdb.gatewayclient.GetTenantRequest;
import io.pairdb.gatewayclient.GetTenantResponse;
import io.pairdb.gatewayclient.ListStorageNodesRequest;
import io.pairdb.gatewayclient.ReadKeyValueRequest;
import io.pairdb.gatewayclient.ReadKeyValueResponse;
import io.pairdb.gatewayclient.RemoveStorageNodeRequest;
import io.pairdb.gatewayclient.RemoveStorageNodeResponse;
import io.pairdb.gatewayclient.StorageNodeInfo;
import io.pairdb.gatewayclient.UpdateReplicationFactorRequest;
import io.pairdb.gatewayclient.UpdateReplicationFactorResponse;
import io.pairdb.gatewayclient.VectorClock;
import io.pairdb.gatewayclient.WriteKeyValueRequest;
import io.pairdb.gatewayclient.WriteKeyValueResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * The original gateway pointed at this coordinator: a client generated from the gateway's own copy
 * of the {@code proto.CoordinatorService} contract (src/test/proto) runs the gateway's flows against
 * a real coordinator with emulator storage nodes — tenants, writes and reads, retries, missing keys,
 * a node added and followed to completion, the node list, a replication factor change, a removal —
 * and what it sees is held against what a v1 client sees for the same request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayCompatibilityIT {
    private static final String TENANT = "gateway-tenant";
    private static final int PRELOADED_KEYS = 300;
    private static final Set<String> MIGRATION_STATUSES = Set.of("pending", "in_progress", "completed", "failed",
            "cancelled");
    /** Quick changes; a patient failure detector, so a busy machine does not make a node look DOWN. */
    private static final Map<String, Object> TIMINGS = InProcessCoordinator.quickChanges(Map.of(
            "pairdb.failure-detector.timeout", "5s"));

    private InProcessCoordinator coordinator;
    private StorageNodeEmulator node4;
    /** Keys written through the gateway, with their values. */
    private final Map<String, String> written = new LinkedHashMap<>();
    private long testStartedSeconds;

    @BeforeAll
    void startCoordinator() throws Exception {
        testStartedSeconds = System.currentTimeMillis() / 1000;
        coordinator = InProcessCoordinator.start(3, TIMINGS);
        node4 = StorageNodeEmulator.start("node-4", 0);
    }

    @AfterAll
    void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
        }
        if (node4 != null) {
            node4.close();
        }
    }

    private CoordinatorServiceGrpc.CoordinatorServiceBlockingStub gateway() {
        return CoordinatorServiceGrpc.newBlockingStub(coordinator.channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private WriteKeyValueResponse write(String key, String value, String idempotencyKey) {
        WriteKeyValueResponse response = gateway().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT)
                .setKey(key).setValue(ByteString.copyFromUtf8(value)).setIdempotencyKey(idempotencyKey).build());
        written.put(key, value);
        return response;
    }

    private ReadKeyValueResponse read(String key, String consistency) {
        return gateway().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(TENANT).setKey(key)
                .setConsistency(consistency).build());
    }

    /** Unix seconds of this run: not milliseconds, not zero. */
    private void assertIsNowInUnixSeconds(long seconds) {
        assertThat(seconds).isBetween(testStartedSeconds - 5, System.currentTimeMillis() / 1000 + 5);
    }

    private static com.google.rpc.Status failure(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call fails with a gRPC status").isNotNull();
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).as("with details").isNotNull();
        return status;
    }

    private static io.pairdb.proto.coordinator.v1.VectorClock asV1(VectorClock clock) throws Exception {
        return io.pairdb.proto.coordinator.v1.VectorClock.parseFrom(clock.toByteString());
    }

    @Test
    @Order(1)
    void aTenantCreatedThroughTheGatewayHasItsFactorAndUnixSecondTimes() throws Exception {
        CreateTenantResponse created = gateway().createTenant(CreateTenantRequest.newBuilder().setTenantId(TENANT)
                .setReplicationFactor(2).build());

        assertThat(created.getSuccess()).isTrue();
        assertThat(created.getTenantId()).isEqualTo(TENANT);
        assertThat(created.getReplicationFactor()).isEqualTo(2);
        assertThat(created.getErrorMessage()).isEmpty();
        assertIsNowInUnixSeconds(created.getCreatedAt());

        GetTenantResponse got = gateway().getTenant(GetTenantRequest.newBuilder().setTenantId(TENANT).build());
        assertThat(got.getSuccess()).isTrue();
        assertThat(got.getReplicationFactor()).isEqualTo(2);
        assertThat(got.getCreatedAt()).isEqualTo(created.getCreatedAt());
        assertIsNowInUnixSeconds(got.getUpdatedAt());
        var v1 = coordinator.admin().getTenant(io.pairdb.proto.admin.v1.GetTenantRequest.newBuilder()
                .setTenantId(TENANT).build()).getTenant();
        assertThat(got.getCreatedAt()).isEqualTo(v1.getCreatedAt().getSeconds());

        com.google.rpc.Status again = failure(() -> gateway().createTenant(CreateTenantRequest.newBuilder()
                .setTenantId(TENANT).build()));
        assertThat(again.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS.value());
        assertThat(reason(again)).isEqualTo("TENANT_ALREADY_EXISTS");
        assertThat(again).as("exactly what v1 answers").isEqualTo(failure(() -> coordinator.admin().createTenant(
                io.pairdb.proto.admin.v1.CreateTenantRequest.newBuilder().setTenantId(TENANT).build())));
    }

    @Test
    @Order(2)
    void aValueWrittenThroughTheGatewayReadsBackWithItsClock() {
        WriteKeyValueResponse response = write("user:1", "hello", "");

        assertThat(response.getSuccess()).isTrue();
        assertThat(response.getKey()).isEqualTo("user:1");
        assertThat(response.getIdempotencyKey()).as("generated by the coordinator").isNotEmpty();
        assertThat(response.getReplicaCount()).isEqualTo(2);
        assertThat(response.getConsistency()).isEqualTo("quorum");
        assertThat(response.getIsDuplicate()).isFalse();
        assertThat(response.getVectorClock().getEntriesCount()).isEqualTo(1);

        ReadKeyValueResponse read = read("user:1", "all");
        assertThat(read.getSuccess()).isTrue();
        assertThat(read.getKey()).isEqualTo("user:1");
        assertThat(read.getValue().toStringUtf8()).isEqualTo("hello");
        assertThat(read.getVectorClock()).isEqualTo(response.getVectorClock());
    }

    @Test
    @Order(3)
    void aRetryWithTheSameIdempotencyKeyIsADuplicateInEitherService() {
        WriteKeyValueResponse first = write("order:7", "paid", "req-7");
        WriteKeyValueResponse retry = write("order:7", "paid", "req-7");

        assertThat(first.getIsDuplicate()).isFalse();
        assertThat(retry.getIsDuplicate()).isTrue();
        assertThat(retry.toBuilder().setIsDuplicate(false).build()).as("the first answer again").isEqualTo(first);

        var viaV1 = coordinator.data().writeKeyValue(io.pairdb.proto.coordinator.v1.WriteKeyValueRequest.newBuilder()
                .setTenantId(TENANT).setKey("order:7").setValue(ByteString.copyFromUtf8("paid"))
                .setIdempotencyKey("req-7").build());
        assertThat(viaV1.getIsDuplicate()).as("one idempotency record for both services").isTrue();
        assertThat(viaV1.getVectorClock().toByteString()).isEqualTo(first.getVectorClock().toByteString());

        com.google.rpc.Status conflict = failure(() -> write("order:7", "refunded", "req-7"));
        assertThat(conflict.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
    }

    @Test
    @Order(4)
    void aMissingKeyAndAnUnknownTenantFailExactlyAsInV1() throws Exception {
        com.google.rpc.Status missing = failure(() -> read("never-written", "quorum"));
        assertThat(missing.getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(reason(missing)).isEqualTo("KEY_NOT_FOUND");
        assertThat(missing).isEqualTo(failure(() -> coordinator.data().readKeyValue(
                io.pairdb.proto.coordinator.v1.ReadKeyValueRequest.newBuilder().setTenantId(TENANT)
                        .setKey("never-written").setConsistency("quorum").build())));

        com.google.rpc.Status unknown = failure(() -> gateway().writeKeyValue(WriteKeyValueRequest.newBuilder()
                .setTenantId("nobody").setKey("k").setValue(ByteString.copyFromUtf8("v")).build()));
        assertThat(reason(unknown)).isEqualTo("TENANT_NOT_FOUND");
        assertThat(unknown).isEqualTo(failure(() -> coordinator.data().writeKeyValue(
                io.pairdb.proto.coordinator.v1.WriteKeyValueRequest.newBuilder().setTenantId("nobody").setKey("k")
                        .setValue(ByteString.copyFromUtf8("v")).build())));

        com.google.rpc.Status invalid = failure(() -> read("k", "most"));
        assertThat(invalid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(reason(invalid)).isEqualTo("INVALID_CONSISTENCY");

        com.google.rpc.Status noMigration = failure(() -> gateway().getMigrationStatus(GetMigrationStatusRequest
                .newBuilder().setMigrationId("add-nothing-e1").build()));
        assertThat(noMigration.getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(reason(noMigration)).isEqualTo("CHANGE_NOT_FOUND");
    }

    @Test
    @Order(5)
    void aValueWrittenThroughOneServiceReadsBackThroughTheOtherWithTheSameClock() throws Exception {
        WriteKeyValueResponse viaGateway = write("cross:1", "from-the-gateway", "");
        var readByV1 = coordinator.data().readKeyValue(io.pairdb.proto.coordinator.v1.ReadKeyValueRequest.newBuilder()
                .setTenantId(TENANT).setKey("cross:1").setConsistency("all").build());
        assertThat(readByV1.getValue().toStringUtf8()).isEqualTo("from-the-gateway");
        assertThat(readByV1.getVectorClock()).isEqualTo(asV1(viaGateway.getVectorClock()));

        var viaV1 = coordinator.data().writeKeyValue(io.pairdb.proto.coordinator.v1.WriteKeyValueRequest.newBuilder()
                .setTenantId(TENANT).setKey("cross:2").setValue(ByteString.copyFromUtf8("from-v1")).build());
        written.put("cross:2", "from-v1");
        ReadKeyValueResponse readByGateway = read("cross:2", "all");
        assertThat(readByGateway.getValue().toStringUtf8()).isEqualTo("from-v1");
        assertThat(asV1(readByGateway.getVectorClock())).isEqualTo(viaV1.getVectorClock());
    }

    @Test
    @Order(6)
    void aNodeAddedThroughTheGatewayIsFollowedToCompletionAndListedWithItsKeys() throws Exception {
        for (int i = 0; i < PRELOADED_KEYS; i++) {
            write("pre-" + i, "value-" + i, "");
        }
        AddStorageNodeResponse added = gateway().addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId("node-4")
                .setHost(node4.host()).setPort(node4.port()).setVirtualNodes(150).build());

        assertThat(added.getSuccess()).isTrue();
        assertThat(added.getNodeId()).isEqualTo("node-4");
        assertThat(added.getMigrationId()).isNotEmpty();
        assertThat(added.getMessage()).contains("node-4", added.getMigrationId());

        GetMigrationStatusResponse done = followToTheEnd(added.getMigrationId());
        assertThat(done.getStatus()).isEqualTo("completed");
        assertThat(done.getType()).isEqualTo("node_addition");
        assertThat(done.getNodeId()).isEqualTo("node-4");
        assertThat(done.getProgress().getPercentage()).isEqualTo(100f);
        assertThat(done.getProgress().getKeysMigrated()).as("node-4 received its share of the keys").isPositive();
        assertThat(done.getProgress().getTotalKeys()).isEqualTo(done.getProgress().getKeysMigrated());
        assertIsNowInUnixSeconds(done.getStartedAt());
        assertIsNowInUnixSeconds(done.getEstimatedCompletion());
        assertThat(done.getEstimatedCompletion()).isGreaterThanOrEqualTo(done.getStartedAt());
        assertThat(done.getErrorMessage()).isEmpty();

        Map<String, StorageNodeInfo> nodes = listNodes();
        assertThat(nodes).containsOnlyKeys("node-1", "node-2", "node-3", "node-4");
        assertThat(nodes.values()).allSatisfy(n -> {
            assertThat(n.getStatus()).isEqualTo("active");
            assertThat(n.getVirtualNodes()).isEqualTo(150);
            assertThat(n.getKeysCount()).as(n.getNodeId() + " holds keys").isPositive();
        });
        assertThat(nodes.get("node-4").getHost()).isEqualTo(node4.host());
        assertThat(nodes.get("node-4").getPort()).isEqualTo(node4.port());
        assertThat(nodes.get("node-4").getKeysCount()).as("what the node itself holds")
                .isEqualTo(node4.store().keyCount());

        assertEveryWrittenKeyReadsBackAtAll();
    }

    @Test
    @Order(7)
    void aReplicationFactorChangedThroughTheGatewayIsAMigrationToFollow() {
        UpdateReplicationFactorResponse raised = gateway().updateReplicationFactor(UpdateReplicationFactorRequest
                .newBuilder().setTenantId(TENANT).setNewReplicationFactor(3).build());

        assertThat(raised.getSuccess()).isTrue();
        assertThat(raised.getTenantId()).isEqualTo(TENANT);
        assertThat(raised.getOldReplicationFactor()).isEqualTo(2);
        assertThat(raised.getNewReplicationFactor()).isEqualTo(3);
        assertThat(raised.getMigrationId()).isNotEmpty();
        assertIsNowInUnixSeconds(raised.getUpdatedAt());

        GetMigrationStatusResponse done = followToTheEnd(raised.getMigrationId());
        assertThat(done.getStatus()).isEqualTo("completed");
        assertThat(done.getType()).isEqualTo("replication_factor_change");
        assertThat(done.getNodeId()).isEmpty();
        assertThat(gateway().getTenant(GetTenantRequest.newBuilder().setTenantId(TENANT).build())
                .getReplicationFactor()).isEqualTo(3);
        assertThat(gateway().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(TENANT).setKey("after-rf")
                .setValue(ByteString.copyFromUtf8("v")).setConsistency("all").build()).getReplicaCount()).isEqualTo(3);
        written.put("after-rf", "v");

        UpdateReplicationFactorResponse unchanged = gateway().updateReplicationFactor(UpdateReplicationFactorRequest
                .newBuilder().setTenantId(TENANT).setNewReplicationFactor(3).build());
        assertThat(unchanged.getMigrationId()).as("nothing to migrate").isEmpty();
        assertThat(unchanged.getOldReplicationFactor()).isEqualTo(3);
        assertThat(unchanged.getNewReplicationFactor()).isEqualTo(3);
    }

    @Test
    @Order(8)
    void aNodeRemovedThroughTheGatewayDrainsAndEndsInactive() throws Exception {
        RemoveStorageNodeResponse removing = gateway().removeStorageNode(RemoveStorageNodeRequest.newBuilder()
                .setNodeId("node-4").build());
        assertThat(removing.getSuccess()).isTrue();
        assertThat(removing.getMigrationId()).isNotEmpty();

        GetMigrationStatusResponse done = followToTheEnd(removing.getMigrationId());
        assertThat(done.getStatus()).isEqualTo("completed");
        assertThat(done.getType()).isEqualTo("node_deletion");
        assertThat(listNodes().get("node-4").getStatus()).isEqualTo("inactive");
        assertEveryWrittenKeyReadsBackAtAll();
    }

    @Test
    @Order(9)
    void metricsAndTheRequestLogTellTheGatewaysCallsFromV1s() throws Exception {
        Logger requestLog = (Logger) LoggerFactory.getLogger(RequestLog.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        requestLog.addAppender(lines);
        // a missing key is logged at DEBUG (issue 17: an ordinary answer is not worth a line at INFO)
        ch.qos.logback.classic.Level level = requestLog.getLevel();
        requestLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            failure(() -> read("still-never-written", "quorum"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !lines.list.isEmpty());
            ILoggingEvent line = lines.list.getFirst();
            assertThat(line.getFormattedMessage()).contains("proto.CoordinatorService/ReadKeyValue", "KEY_NOT_FOUND");
            assertThat(line.getKeyValuePairs()).anySatisfy(kv -> {
                assertThat(kv.key).isEqualTo("service");
                assertThat(kv.value).isEqualTo("proto.CoordinatorService");
            });
        } finally {
            requestLog.detachAppender(lines);
            requestLog.setLevel(level);
        }

        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + coordinator.httpPort + "/prometheus")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        PrometheusText metrics = PrometheusText.parse(scrape.body());
        String calls = "grpc_server_processing_duration_seconds_count";
        assertThat(metrics.value(calls, Map.of("service", "proto.CoordinatorService", "method", "WriteKeyValue",
                "statusCode", "OK"))).isGreaterThanOrEqualTo(PRELOADED_KEYS);
        assertThat(metrics.value(calls, Map.of("service", "pairdb.coordinator.v1.CoordinatorService",
                "method", "WriteKeyValue", "statusCode", "OK"))).isGreaterThanOrEqualTo(2);
        assertThat(metrics.value(calls, Map.of("service", "proto.CoordinatorService", "method", "ReadKeyValue",
                "statusCode", "NOT_FOUND"))).isGreaterThanOrEqualTo(2);
        assertThat(metrics.value("coordinator_requests_total", Map.of("operation", "write", "status", "OK")))
                .as("the data-plane counters count both services").isGreaterThanOrEqualTo(PRELOADED_KEYS + 2);
    }

    /** Polls GetMigrationStatus as the gateway does until the migration ends; every answer on the way is well-formed. */
    private GetMigrationStatusResponse followToTheEnd(String migrationId) {
        List<String> seen = new ArrayList<>();
        GetMigrationStatusResponse[] last = new GetMigrationStatusResponse[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            GetMigrationStatusResponse status = gateway().getMigrationStatus(GetMigrationStatusRequest.newBuilder()
                    .setMigrationId(migrationId).build());
            assertThat(status.getSuccess()).isTrue();
            assertThat(status.getMigrationId()).isEqualTo(migrationId);
            assertThat(status.getStatus()).isIn(MIGRATION_STATUSES);
            assertThat(status.getProgress().getPercentage()).isBetween(0f, 100f);
            seen.add(status.getStatus());
            last[0] = status;
            return !status.getStatus().equals("pending") && !status.getStatus().equals("in_progress");
        });
        assertThat(seen.lastIndexOf("pending")).as("pending, then in progress, never back: " + seen)
                .isLessThan(seen.contains("in_progress") ? seen.indexOf("in_progress") : seen.size());
        return last[0];
    }

    private Map<String, StorageNodeInfo> listNodes() {
        var response = gateway().listStorageNodes(ListStorageNodesRequest.getDefaultInstance());
        assertThat(response.getSuccess()).isTrue();
        return response.getNodesList().stream().collect(Collectors.toMap(StorageNodeInfo::getNodeId, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
    }

    private void assertEveryWrittenKeyReadsBackAtAll() {
        written.forEach((key, value) -> assertThat(read(key, "all").getValue().toStringUtf8()).as(key).isEqualTo(value));
    }
}
