package io.pairdb.adapters.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.pairdb.core.node.NodeId;
import io.pairdb.proto.admin.v1.AddStorageNodeResponse;
import io.pairdb.proto.admin.v1.ChangeStatus;
import io.pairdb.proto.admin.v1.ChangeTotals;
import io.pairdb.proto.admin.v1.ChangeType;
import io.pairdb.proto.admin.v1.CreateTenantResponse;
import io.pairdb.proto.admin.v1.GetChangeResponse;
import io.pairdb.proto.admin.v1.GetTenantResponse;
import io.pairdb.proto.admin.v1.ListStorageNodesResponse;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeState;
import io.pairdb.proto.admin.v1.RemoveStorageNodeResponse;
import io.pairdb.proto.admin.v1.StorageNode;
import io.pairdb.proto.admin.v1.Tenant;
import io.pairdb.proto.admin.v1.TopologyChange;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorResponse;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.VectorClockEntry;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import io.pairdb.proto.gateway.GetMigrationStatusResponse;
import io.pairdb.proto.gateway.StorageNodeInfo;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayProtoMapperTest {
    /** 2025-06-01T12:00:00.750Z: a sub-second part that must not leak into the seconds. */
    private static final Instant STARTED = Instant.parse("2025-06-01T12:00:00.750Z");

    private static Timestamp ts(Instant i) {
        return AdminProtoMapper.timestamp(i);
    }

    private static TopologyChange.Builder change(ChangeStatus status, int streams, int pending, int streaming, int done) {
        return TopologyChange.newBuilder().setChangeId("add-node-4-e7").setType(ChangeType.CHANGE_TYPE_ADD_NODE)
                .setNodeId("node-4").setStatus(status).setStartedAt(ts(STARTED))
                .setTotals(ChangeTotals.newBuilder().setStreams(streams).setPending(pending).setStreaming(streaming)
                        .setDone(done).setKeys(1234));
    }

    private static GetMigrationStatusResponse status(TopologyChange.Builder change, Instant now) {
        return GatewayProtoMapper.toGateway(GetChangeResponse.newBuilder().setChange(change).build(), now);
    }

    @Test
    void migrationStatusesAreTheGatewaysStrings() {
        assertThat(status(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 10, 10, 0, 0), STARTED).getStatus())
                .as("accepted, nothing streaming yet").isEqualTo("pending");
        assertThat(status(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 10, 9, 1, 0), STARTED).getStatus())
                .isEqualTo("in_progress");
        assertThat(status(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 10, 5, 0, 5), STARTED).getStatus())
                .as("between two ranges").isEqualTo("in_progress");
        Instant end = STARTED.plusSeconds(60);
        assertThat(status(change(ChangeStatus.CHANGE_STATUS_COMPLETED, 10, 0, 0, 10).setCompletedAt(ts(end)), end)
                .getStatus()).isEqualTo("completed");
        assertThat(status(change(ChangeStatus.CHANGE_STATUS_FAILED, 10, 4, 0, 6).setCompletedAt(ts(end)), end)
                .getStatus()).isEqualTo("failed");
        assertThat(status(change(ChangeStatus.CHANGE_STATUS_ROLLED_BACK, 10, 4, 0, 6).setCompletedAt(ts(end)), end)
                .getStatus()).isEqualTo("cancelled");
    }

    @Test
    void migrationTypesAreTheGatewaysStringsAndAnRfChangeHasNoNode() {
        assertThat(GatewayProtoMapper.migrationType(ChangeType.CHANGE_TYPE_ADD_NODE)).isEqualTo("node_addition");
        assertThat(GatewayProtoMapper.migrationType(ChangeType.CHANGE_TYPE_REMOVE_NODE)).isEqualTo("node_deletion");
        var rf = TopologyChange.newBuilder().setChangeId("rf-acme-e9").setType(ChangeType.CHANGE_TYPE_CHANGE_RF)
                .setTenantId("acme").setFromReplicationFactor(2).setToReplicationFactor(3)
                .setStatus(ChangeStatus.CHANGE_STATUS_IN_PROGRESS).setStartedAt(ts(STARTED));
        GetMigrationStatusResponse answer = status(rf, STARTED);
        assertThat(answer.getType()).isEqualTo("replication_factor_change");
        assertThat(answer.getNodeId()).isEmpty();
    }

    @Test
    void timesAreUnixSecondsAndACompletedMigrationReportsItsEnd() {
        Instant end = Instant.parse("2025-06-01T12:01:30.999Z");
        GetMigrationStatusResponse answer = status(change(ChangeStatus.CHANGE_STATUS_COMPLETED, 8, 0, 0, 8)
                .setCompletedAt(ts(end)), end.plusSeconds(3600));

        assertThat(answer.getStartedAt()).isEqualTo(1_748_779_200L);
        assertThat(answer.getEstimatedCompletion()).isEqualTo(1_748_779_290L);
        assertThat(answer.getProgress().getPercentage()).isEqualTo(100f);
        assertThat(answer.getProgress().getKeysMigrated()).isEqualTo(1234);
        assertThat(answer.getProgress().getTotalKeys()).as("known once it completed").isEqualTo(1234);
        assertThat(answer.getSuccess()).isTrue();
        assertThat(answer.getErrorMessage()).isEmpty();
    }

    @Test
    void aRunningMigrationExtrapolatesItsEndFromTheRangesDone() {
        // a quarter of the ranges in 30 s: 120 s in all
        GetMigrationStatusResponse quarter = status(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 20, 14, 1, 5),
                STARTED.plusSeconds(30));
        assertThat(quarter.getProgress().getPercentage()).isEqualTo(25f);
        assertThat(quarter.getProgress().getTotalKeys()).as("not known yet").isZero();
        assertThat(quarter.getEstimatedCompletion()).isEqualTo(STARTED.plusSeconds(120).getEpochSecond());

        GetMigrationStatusResponse nothingDone = status(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 20, 19, 1, 0),
                STARTED.plusSeconds(30));
        assertThat(nothingDone.getEstimatedCompletion()).as("no basis for an estimate").isZero();
        assertThat(nothingDone.getProgress().getPercentage()).isZero();
    }

    @Test
    void aFailedMigrationCarriesItsErrorAndWhenItEnded() {
        Instant end = STARTED.plusSeconds(45);
        GetMigrationStatusResponse answer = status(change(ChangeStatus.CHANGE_STATUS_FAILED, 10, 4, 0, 6)
                .setCompletedAt(ts(end)).setError("range 3 kept failing: node-2 unreachable"), end);
        assertThat(answer.getErrorMessage()).isEqualTo("range 3 kept failing: node-2 unreachable");
        assertThat(answer.getEstimatedCompletion()).isEqualTo(end.getEpochSecond());
        assertThat(answer.getProgress().getPercentage()).isEqualTo(60f);
        assertThat(answer.getProgress().getTotalKeys()).isZero();
    }

    private static StorageNode node(String id, NodeState state, NodeLiveness liveness) {
        return StorageNode.newBuilder().setNodeId(id).setHost("10.0.0.1").setPort(7000).setVirtualNodes(150)
                .setState(state).setLiveness(liveness).build();
    }

    @Test
    void nodeStatusesAreActiveDrainingOrInactiveWithKeyCountsWhereKnown() {
        var v1 = ListStorageNodesResponse.newBuilder()
                .addNodes(node("normal", NodeState.NODE_STATE_NORMAL, NodeLiveness.NODE_LIVENESS_UP))
                .addNodes(node("joining", NodeState.NODE_STATE_BOOTSTRAPPING, NodeLiveness.NODE_LIVENESS_UP))
                .addNodes(node("leaving", NodeState.NODE_STATE_LEAVING, NodeLiveness.NODE_LIVENESS_UP))
                .addNodes(node("down", NodeState.NODE_STATE_NORMAL, NodeLiveness.NODE_LIVENESS_DOWN))
                .addNodes(node("left", NodeState.NODE_STATE_LEFT, NodeLiveness.NODE_LIVENESS_UP))
                .build();

        var answer = GatewayProtoMapper.toGateway(v1, Map.of(new NodeId("normal"), 42L, new NodeId("leaving"), 7L));

        assertThat(answer.getSuccess()).isTrue();
        assertThat(answer.getNodesList()).extracting(StorageNodeInfo::getNodeId, StorageNodeInfo::getStatus,
                StorageNodeInfo::getKeysCount).containsExactly(
                tuple("normal", "active", 42L),
                tuple("joining", "active", 0L),
                tuple("leaving", "draining", 7L),
                tuple("down", "inactive", 0L),
                tuple("left", "inactive", 0L));
        assertThat(answer.getNodes(0)).extracting(StorageNodeInfo::getHost, StorageNodeInfo::getPort,
                StorageNodeInfo::getVirtualNodes).containsExactly("10.0.0.1", 7000, 150);
    }

    private static Tenant tenant(int rf) {
        return Tenant.newBuilder().setTenantId("acme").setReplicationFactor(rf)
                .setCreatedAt(ts(Instant.parse("2025-01-02T03:04:05.678Z")))
                .setUpdatedAt(ts(Instant.parse("2025-02-03T04:05:06.789Z"))).build();
    }

    @Test
    void tenantsCarryUnixSeconds() {
        var created = GatewayProtoMapper.toGateway(CreateTenantResponse.newBuilder().setTenant(tenant(3)).build());
        assertThat(created.getSuccess()).isTrue();
        assertThat(created.getTenantId()).isEqualTo("acme");
        assertThat(created.getReplicationFactor()).isEqualTo(3);
        assertThat(created.getCreatedAt()).isEqualTo(1_735_787_045L);

        var got = GatewayProtoMapper.toGateway(GetTenantResponse.newBuilder().setTenant(tenant(3)).build());
        assertThat(got.getCreatedAt()).isEqualTo(1_735_787_045L);
        assertThat(got.getUpdatedAt()).isEqualTo(1_738_555_506L);
    }

    @Test
    void anRfChangeNamesBothFactorsAndItsMigrationAndAnUnchangedFactorNone() {
        var raised = GatewayProtoMapper.toGateway(UpdateReplicationFactorResponse.newBuilder().setTenant(tenant(2))
                .setChange(TopologyChange.newBuilder().setChangeId("rf-acme-e9").setFromReplicationFactor(2)
                        .setToReplicationFactor(3)).build());
        assertThat(raised.getOldReplicationFactor()).isEqualTo(2);
        assertThat(raised.getNewReplicationFactor()).isEqualTo(3);
        assertThat(raised.getMigrationId()).isEqualTo("rf-acme-e9");
        assertThat(raised.getUpdatedAt()).isEqualTo(1_738_555_506L);

        var unchanged = GatewayProtoMapper.toGateway(UpdateReplicationFactorResponse.newBuilder().setTenant(tenant(3)).build());
        assertThat(unchanged.getOldReplicationFactor()).isEqualTo(3);
        assertThat(unchanged.getNewReplicationFactor()).isEqualTo(3);
        assertThat(unchanged.getMigrationId()).isEmpty();
    }

    @Test
    void startedNodeChangesNameTheirMigrationAndANodeWithNothingToReceiveHasEnded() {
        Instant end = STARTED.plusMillis(300);
        var bootstrapping = GatewayProtoMapper.toGateway(AddStorageNodeResponse.newBuilder()
                .setNode(node("node-4", NodeState.NODE_STATE_BOOTSTRAPPING, NodeLiveness.NODE_LIVENESS_UP))
                .setChange(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 447, 447, 0, 0)).build());
        assertThat(bootstrapping.getMigrationId()).isEqualTo("add-node-4-e7");
        assertThat(bootstrapping.getNodeId()).isEqualTo("node-4");
        assertThat(bootstrapping.getMessage()).contains("bootstrapping", "447 ranges", "add-node-4-e7");
        assertThat(bootstrapping.getEstimatedCompletion()).isZero();

        var joined = GatewayProtoMapper.toGateway(AddStorageNodeResponse.newBuilder()
                .setNode(node("node-4", NodeState.NODE_STATE_NORMAL, NodeLiveness.NODE_LIVENESS_UP))
                .setChange(change(ChangeStatus.CHANGE_STATUS_COMPLETED, 0, 0, 0, 0).setCompletedAt(ts(end))).build());
        assertThat(joined.getMessage()).contains("at once");
        assertThat(joined.getEstimatedCompletion()).isEqualTo(end.getEpochSecond());

        var draining = GatewayProtoMapper.toGateway(RemoveStorageNodeResponse.newBuilder()
                .setNode(node("node-4", NodeState.NODE_STATE_LEAVING, NodeLiveness.NODE_LIVENESS_UP))
                .setChange(change(ChangeStatus.CHANGE_STATUS_IN_PROGRESS, 300, 300, 0, 0)
                        .setType(ChangeType.CHANGE_TYPE_REMOVE_NODE).setChangeId("remove-node-4-e8")).build());
        assertThat(draining.getMigrationId()).isEqualTo("remove-node-4-e8");
        assertThat(draining.getMessage()).contains("draining", "300 ranges");
    }

    @Test
    void writeAnswersKeepEveryFieldAndTheClockEntryByEntry() {
        VectorClock clock = VectorClock.newBuilder()
                .addEntries(VectorClockEntry.newBuilder().setCoordinatorNodeId("coord-1").setLogicalTimestamp(17))
                .addEntries(VectorClockEntry.newBuilder().setCoordinatorNodeId("coord-2").setLogicalTimestamp(4)).build();
        var v1 = WriteKeyValueResponse.newBuilder().setSuccess(true).setKey("k").setIdempotencyKey("req-1")
                .setVectorClock(clock).setReplicaCount(2).setConsistency("quorum").setIsDuplicate(true)
                .setTimestampMs(1_700_000_000_123L).build();

        var answer = GatewayProtoMapper.toGateway(v1);

        assertThat(answer.getSuccess()).isTrue();
        assertThat(answer.getKey()).isEqualTo("k");
        assertThat(answer.getIdempotencyKey()).isEqualTo("req-1");
        assertThat(answer.getReplicaCount()).isEqualTo(2);
        assertThat(answer.getConsistency()).isEqualTo("quorum");
        assertThat(answer.getIsDuplicate()).isTrue();
        assertThat(answer.getVectorClock().getEntriesList()).extracting(e -> e.getCoordinatorNodeId() + "=" + e.getLogicalTimestamp())
                .containsExactly("coord-1=17", "coord-2=4");
        assertThat(answer.getVectorClock().toByteString()).as("the same bytes on the wire").isEqualTo(clock.toByteString());
    }

    @Test
    void requestsBecomeTheV1RequestsThatDoTheSame() {
        var write = GatewayProtoMapper.toV1(io.pairdb.proto.gateway.WriteKeyValueRequest.newBuilder().setTenantId("acme")
                .setKey("k").setValue(ByteString.copyFromUtf8("v")).setConsistency("all").setIdempotencyKey("req-2").build());
        assertThat(write).isEqualTo(io.pairdb.proto.coordinator.v1.WriteKeyValueRequest.newBuilder().setTenantId("acme")
                .setKey("k").setValue(ByteString.copyFromUtf8("v")).setConsistency("all").setIdempotencyKey("req-2").build());
        assertThat(write.hasCausalContext()).isFalse();

        var rf = GatewayProtoMapper.toV1(io.pairdb.proto.gateway.UpdateReplicationFactorRequest.newBuilder()
                .setTenantId("acme").setNewReplicationFactor(4).build());
        assertThat(rf.getReplicationFactor()).isEqualTo(4);

        var add = GatewayProtoMapper.toV1(io.pairdb.proto.gateway.AddStorageNodeRequest.newBuilder().setNodeId("n")
                .setHost("h").setPort(7000).setVirtualNodes(64).build());
        assertThat(add.getDryRun()).as("never a dry run").isFalse();
        assertThat(add.getVirtualNodes()).isEqualTo(64);

        var remove = GatewayProtoMapper.toV1(io.pairdb.proto.gateway.RemoveStorageNodeRequest.newBuilder().setNodeId("n")
                .setForce(true).build());
        assertThat(remove.getForce()).isTrue();

        assertThat(GatewayProtoMapper.toV1(io.pairdb.proto.gateway.GetMigrationStatusRequest.newBuilder()
                .setMigrationId("add-n-e3").build()).getChangeId()).isEqualTo("add-n-e3");
    }
}
