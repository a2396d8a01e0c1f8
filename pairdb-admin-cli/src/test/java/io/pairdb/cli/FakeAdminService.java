package io.pairdb.cli;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.AddStorageNodeResponse;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.CreateTenantResponse;
import io.pairdb.proto.admin.v1.ExplainKeyRequest;
import io.pairdb.proto.admin.v1.ExplainKeyResponse;
import io.pairdb.proto.admin.v1.GetHintStatsRequest;
import io.pairdb.proto.admin.v1.GetHintStatsResponse;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantResponse;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesResponse;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import io.pairdb.proto.admin.v1.ListTenantsResponse;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeState;
import io.pairdb.proto.admin.v1.RepairRequest;
import io.pairdb.proto.admin.v1.RepairResponse;
import io.pairdb.proto.admin.v1.ReplayHintsRequest;
import io.pairdb.proto.admin.v1.ReplayHintsResponse;
import io.pairdb.proto.admin.v1.StorageNode;
import io.pairdb.proto.admin.v1.Tenant;
import io.pairdb.proto.admin.v1.SetTenantQuotaRequest;
import io.pairdb.proto.admin.v1.SetTenantQuotaResponse;
import io.pairdb.proto.admin.v1.SetTenantSpeculationRequest;
import io.pairdb.proto.admin.v1.SetTenantSpeculationResponse;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorRequest;
import io.pairdb.proto.admin.v1.UpdateReplicationFactorResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An admin API that keeps tenants and nodes in memory and remembers what it was asked. */
final class FakeAdminService extends AdminServiceGrpc.AdminServiceImplBase {

    static final Timestamp CREATED = Timestamp.newBuilder().setSeconds(1_735_689_600).build(); // 2025-01-01T00:00:00Z

    final Map<String, Tenant> tenants = new LinkedHashMap<>();
    final List<StorageNode> nodes = new ArrayList<>();
    volatile long ringEpoch = 1;
    volatile ExplainKeyResponse explanation = ExplainKeyResponse.getDefaultInstance();
    volatile GetHintStatsResponse hintStats = GetHintStatsResponse.getDefaultInstance();
    volatile ReplayHintsResponse replay = ReplayHintsResponse.getDefaultInstance();

    volatile CreateTenantRequest lastCreate;
    volatile AddStorageNodeRequest lastAdd;
    volatile ExplainKeyRequest lastExplain;
    volatile io.pairdb.proto.admin.v1.DescribeRingRequest lastDescribeRing;
    /** The ranges DescribeRing answers with, whatever the replication factor. */
    volatile List<io.pairdb.proto.admin.v1.RingRange> ringRanges = List.of();
    volatile ReplayHintsRequest lastReplay;
    volatile RepairResponse repair = RepairResponse.getDefaultInstance();
    /** What ListRepairRuns answers, newest first. */
    volatile List<io.pairdb.proto.admin.v1.RepairRun> repairRuns = List.of();
    /** Later answers of ListRepairRuns: each call first moves to the next, if any (a run that progresses). */
    final java.util.Queue<List<io.pairdb.proto.admin.v1.RepairRun>> laterRepairRuns =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** When set, Repair answers only once every later answer of ListRepairRuns was given (as a real run ends). */
    volatile boolean repairAnswersWhenRunsShown;
    private final java.util.concurrent.CountDownLatch laterRunsShown = new java.util.concurrent.CountDownLatch(1);
    volatile RepairRequest lastRepair;
    volatile Deadline lastDeadline;
    private volatile boolean silent;

    void addTenant(String id, int replicationFactor) {
        tenants.put(id, tenant(id, replicationFactor, 1));
    }

    /** From now on calls get no answer at all, as from a coordinator that hangs. */
    void answerNothing() {
        silent = true;
    }

    /** What getTenant says the coordinator saw lately. */
    volatile double recentOpsPerSecond;
    volatile long recentThrottled;

    @Override
    public void createTenant(CreateTenantRequest request, StreamObserver<CreateTenantResponse> responses) {
        answer(responses, () -> {
            lastCreate = request;
            if (tenants.containsKey(request.getTenantId())) {
                throw ServerError.withReason(Status.Code.ALREADY_EXISTS,
                        "tenant '" + request.getTenantId() + "' already exists", "TENANT_ALREADY_EXISTS");
            }
            int rf = request.getReplicationFactor() == 0 ? 3 : request.getReplicationFactor();
            Tenant tenant = tenant(request.getTenantId(), rf, 1);
            tenants.put(tenant.getTenantId(), tenant);
            return CreateTenantResponse.newBuilder().setTenant(tenant).build();
        });
    }

    @Override
    public void getTenant(GetTenantRequest request, StreamObserver<GetTenantResponse> responses) {
        answer(responses, () -> GetTenantResponse.newBuilder().setTenant(existing(request.getTenantId()))
                .setRecentOpsPerSecond(recentOpsPerSecond).setRecentThrottled(recentThrottled).setLiveCoordinators(2)
                .build());
    }

    @Override
    public void listTenants(ListTenantsRequest request, StreamObserver<ListTenantsResponse> responses) {
        answer(responses, () -> ListTenantsResponse.newBuilder().addAllTenants(tenants.values()).build());
    }

    @Override
    public void setTenantSpeculation(SetTenantSpeculationRequest request,
            StreamObserver<SetTenantSpeculationResponse> responses) {
        answer(responses, () -> {
            Tenant old = existing(request.getTenantId());
            Tenant.Builder updated = old.toBuilder().setVersion(old.getVersion() + 1);
            if (request.getSpeculation().isEmpty()) {
                updated.clearSpeculation();
            } else {
                updated.setSpeculation(request.getSpeculation());
            }
            tenants.put(old.getTenantId(), updated.build());
            return SetTenantSpeculationResponse.newBuilder().setTenant(updated).build();
        });
    }

    @Override
    public void setTenantQuota(SetTenantQuotaRequest request, StreamObserver<SetTenantQuotaResponse> responses) {
        answer(responses, () -> {
            Tenant old = existing(request.getTenantId());
            Tenant updated = old.toBuilder().setVersion(old.getVersion() + 1).setOpsPerSecond(request.getOpsPerSecond())
                    .setBytesPerSecond(request.getBytesPerSecond()).build();
            tenants.put(old.getTenantId(), updated);
            return SetTenantQuotaResponse.newBuilder().setTenant(updated).build();
        });
    }

    @Override
    public void updateReplicationFactor(UpdateReplicationFactorRequest request,
            StreamObserver<UpdateReplicationFactorResponse> responses) {
        answer(responses, () -> {
            Tenant old = existing(request.getTenantId());
            int rf = request.getReplicationFactor();
            if (rf == old.getReplicationFactor()) {
                return UpdateReplicationFactorResponse.newBuilder().setTenant(old).build();
            }
            boolean raise = rf > old.getReplicationFactor();
            Tenant updated = raise
                    ? tenant(old.getTenantId(), old.getReplicationFactor(), old.getVersion() + 1).toBuilder()
                            .setPendingReplicationFactor(rf).build()
                    : tenant(old.getTenantId(), rf, old.getVersion() + 1);
            tenants.put(updated.getTenantId(), updated);
            var change = io.pairdb.proto.admin.v1.TopologyChange.newBuilder()
                    .setChangeId("rf-" + old.getTenantId() + "-" + rf + "-e9")
                    .setType(io.pairdb.proto.admin.v1.ChangeType.CHANGE_TYPE_CHANGE_RF)
                    .setTenantId(old.getTenantId()).setFromReplicationFactor(old.getReplicationFactor())
                    .setToReplicationFactor(rf).setRingEpoch(9)
                    .setStatus(raise ? io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_IN_PROGRESS
                            : io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_COMPLETED)
                    .setTotals(io.pairdb.proto.admin.v1.ChangeTotals.newBuilder().setStreams(raise ? 48 : 0)
                            .setPending(raise ? 48 : 0))
                    .setStartedAt(CREATED).setUpdatedAt(CREATED);
            if (!raise) {
                change.setCompletedAt(CREATED);
            }
            return UpdateReplicationFactorResponse.newBuilder().setTenant(updated).setChange(change).build();
        });
    }

    @Override
    public void addStorageNode(AddStorageNodeRequest request, StreamObserver<AddStorageNodeResponse> responses) {
        answer(responses, () -> {
            lastAdd = request;
            StorageNode node = StorageNode.newBuilder()
                    .setNodeId(request.getNodeId())
                    .setHost(request.getHost())
                    .setPort(request.getPort())
                    .setVirtualNodes(request.getVirtualNodes() == 0 ? 150 : request.getVirtualNodes())
                    .setState(NodeState.NODE_STATE_NORMAL)
                    .setLiveness(NodeLiveness.NODE_LIVENESS_UP)
                    .setCreatedAt(CREATED)
                    .setUpdatedAt(CREATED)
                    .build();
            nodes.add(node);
            ringEpoch++;
            return AddStorageNodeResponse.newBuilder().setNode(node).setRingEpoch(ringEpoch).build();
        });
    }

    @Override
    public void listStorageNodes(ListStorageNodesRequest request, StreamObserver<ListStorageNodesResponse> responses) {
        answer(responses, () -> ListStorageNodesResponse.newBuilder().addAllNodes(nodes).setRingEpoch(ringEpoch).build());
    }

    @Override
    public void explainKey(ExplainKeyRequest request, StreamObserver<ExplainKeyResponse> responses) {
        answer(responses, () -> {
            lastExplain = request;
            existing(request.getTenantId());
            return explanation;
        });
    }

    /** Like the coordinator: a tenant's RF, the one given, or with neither the largest any tenant has. */
    @Override
    public void describeRing(io.pairdb.proto.admin.v1.DescribeRingRequest request,
                             StreamObserver<io.pairdb.proto.admin.v1.DescribeRingResponse> responses) {
        answer(responses, () -> {
            lastDescribeRing = request;
            int rf = !request.getTenantId().isEmpty() ? existing(request.getTenantId()).getReplicationFactor()
                    : request.getReplicationFactor() != 0 ? request.getReplicationFactor()
                    : tenants.values().stream().mapToInt(Tenant::getReplicationFactor).max().orElseThrow(() ->
                            ServerError.withReason(Status.Code.FAILED_PRECONDITION,
                                    "no tenant exists, so no replication factor is in use", "NO_TENANTS"));
            return io.pairdb.proto.admin.v1.DescribeRingResponse.newBuilder().setRingEpoch(ringEpoch)
                    .setReplicationFactor(rf).addAllRanges(ringRanges).build();
        });
    }

    @Override
    public void getHintStats(GetHintStatsRequest request, StreamObserver<GetHintStatsResponse> responses) {
        answer(responses, () -> hintStats);
    }

    @Override
    public void repair(RepairRequest request, StreamObserver<RepairResponse> responses) {
        if (repairAnswersWhenRunsShown) {
            try {
                if (!laterRunsShown.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    responses.onError(Status.DEADLINE_EXCEEDED.withDescription("runs never shown").asRuntimeException());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                responses.onError(Status.CANCELLED.asRuntimeException());
                return;
            }
        }
        answer(responses, () -> {
            lastRepair = request;
            if (!request.getTenantId().isEmpty() && !tenants.containsKey(request.getTenantId())) {
                throw ServerError.withReason(Status.Code.NOT_FOUND,
                        "tenant '" + request.getTenantId() + "' not found", "TENANT_NOT_FOUND");
            }
            return repair.toBuilder().setDryRun(request.getDryRun()).build();
        });
    }

    @Override
    public void listRepairRuns(io.pairdb.proto.admin.v1.ListRepairRunsRequest request,
                               StreamObserver<io.pairdb.proto.admin.v1.ListRepairRunsResponse> responses) {
        List<io.pairdb.proto.admin.v1.RepairRun> next = laterRepairRuns.poll();
        if (next != null) {
            repairRuns = next;
        }
        if (laterRepairRuns.isEmpty()) {
            laterRunsShown.countDown();
        }
        answer(responses, () -> io.pairdb.proto.admin.v1.ListRepairRunsResponse.newBuilder()
                .addAllRuns(repairRuns.stream().filter(r -> request.getRunId().isEmpty()
                        || r.getRunId().equals(request.getRunId())).limit(request.getLimit() == 0 ? 20 : request.getLimit())
                        .toList()).build());
    }

    @Override
    public void replayHints(ReplayHintsRequest request, StreamObserver<ReplayHintsResponse> responses) {
        answer(responses, () -> {
            lastReplay = request;
            if (nodes.stream().noneMatch(n -> n.getNodeId().equals(request.getNodeId()))) {
                throw ServerError.withReason(Status.Code.NOT_FOUND,
                        "storage node '" + request.getNodeId() + "' is not in the ring", "NODE_NOT_FOUND");
            }
            return replay;
        });
    }

    // topology changes: node remove, change list|get
    final Map<String, io.pairdb.proto.admin.v1.TopologyChange> changes = new LinkedHashMap<>();
    volatile io.pairdb.proto.admin.v1.RemoveStorageNodeRequest lastRemove;
    /** The streams of the removals this fake starts. */
    volatile int removalStreams = 12;
    volatile io.pairdb.proto.admin.v1.ListChangesRequest lastListChanges;

    @Override
    public void removeStorageNode(io.pairdb.proto.admin.v1.RemoveStorageNodeRequest request,
            StreamObserver<io.pairdb.proto.admin.v1.RemoveStorageNodeResponse> responses) {
        answer(responses, () -> {
            lastRemove = request;
            StorageNode node = nodes.stream().filter(n -> n.getNodeId().equals(request.getNodeId())).findFirst()
                    .orElseThrow(() -> ServerError.withReason(Status.Code.NOT_FOUND,
                            "storage node '" + request.getNodeId() + "' is not registered", "NODE_NOT_FOUND"))
                    .toBuilder().setState(NodeState.NODE_STATE_LEAVING).build();
            ringEpoch++;
            var change = io.pairdb.proto.admin.v1.TopologyChange.newBuilder()
                    .setChangeId("remove-" + node.getNodeId() + "-e" + ringEpoch)
                    .setType(io.pairdb.proto.admin.v1.ChangeType.CHANGE_TYPE_REMOVE_NODE)
                    .setNodeId(node.getNodeId()).setForce(request.getForce())
                    .setStatus(io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_IN_PROGRESS)
                    .setRingEpoch(ringEpoch).setStartedAt(CREATED).setUpdatedAt(CREATED)
                    .setTotals(io.pairdb.proto.admin.v1.ChangeTotals.newBuilder().setStreams(removalStreams)
                            .setPending(removalStreams))
                    .build();
            changes.put(change.getChangeId(), change);
            return io.pairdb.proto.admin.v1.RemoveStorageNodeResponse.newBuilder().setNode(node).setRingEpoch(ringEpoch)
                    .setChange(change).build();
        });
    }

    @Override
    public void getChange(io.pairdb.proto.admin.v1.GetChangeRequest request,
            StreamObserver<io.pairdb.proto.admin.v1.GetChangeResponse> responses) {
        answer(responses, () -> {
            var change = changes.get(request.getChangeId());
            if (change == null) {
                throw ServerError.withReason(Status.Code.NOT_FOUND,
                        "topology change '" + request.getChangeId() + "' does not exist", "CHANGE_NOT_FOUND");
            }
            return io.pairdb.proto.admin.v1.GetChangeResponse.newBuilder().setChange(change)
                    .setStreamThroughputBytesPerSecond(streamThroughput).build();
        });
    }

    /** The stream throughput cap as SetStreamThroughput last set it, bytes per second. */
    volatile long streamThroughput;

    @Override
    public void setStreamThroughput(io.pairdb.proto.admin.v1.SetStreamThroughputRequest request,
            StreamObserver<io.pairdb.proto.admin.v1.SetStreamThroughputResponse> responses) {
        answer(responses, () -> {
            long previous = streamThroughput;
            streamThroughput = request.getBytesPerSecond();
            return io.pairdb.proto.admin.v1.SetStreamThroughputResponse.newBuilder()
                    .setBytesPerSecond(streamThroughput).setPreviousBytesPerSecond(previous).build();
        });
    }

    @Override
    public void listChanges(io.pairdb.proto.admin.v1.ListChangesRequest request,
            StreamObserver<io.pairdb.proto.admin.v1.ListChangesResponse> responses) {
        answer(responses, () -> {
            lastListChanges = request;
            var listed = new ArrayList<>(changes.values());
            java.util.Collections.reverse(listed);
            return io.pairdb.proto.admin.v1.ListChangesResponse.newBuilder()
                    .addAllChanges(listed.stream().map(c -> c.toBuilder().clearStreams().build()).toList()).build();
        });
    }

    volatile io.pairdb.proto.admin.v1.ForceCleanupRequest lastForce;

    @Override
    public void forceCleanup(io.pairdb.proto.admin.v1.ForceCleanupRequest request,
            StreamObserver<io.pairdb.proto.admin.v1.ForceCleanupResponse> responses) {
        answer(responses, () -> {
            lastForce = request;
            var change = changes.get(request.getChangeId());
            if (change == null) {
                throw ServerError.withReason(Status.Code.NOT_FOUND,
                        "topology change '" + request.getChangeId() + "' does not exist", "CHANGE_NOT_FOUND");
            }
            if (change.getStatus() != io.pairdb.proto.admin.v1.ChangeStatus.CHANGE_STATUS_COMPLETED) {
                throw ServerError.withReason(Status.Code.FAILED_PRECONDITION, "change " + request.getChangeId()
                        + " is IN_PROGRESS: only a change that ended has ranges to clean up", "CHANGE_NOT_COMPLETED");
            }
            var cleanup = change.getCleanup().toBuilder().setDueAt(CREATED)
                    .setForced(io.pairdb.proto.admin.v1.ForcedCleanup.newBuilder().setReason(request.getReason())
                            .setRequestedBy(request.getRequestedBy() + " via fake").setForcedAt(CREATED))
                    .build();
            changes.put(change.getChangeId(), change.toBuilder().setCleanup(cleanup).build());
            return io.pairdb.proto.admin.v1.ForceCleanupResponse.newBuilder().setChangeId(change.getChangeId())
                    .setCleanup(cleanup).build();
        });
    }

    private Tenant existing(String tenantId) {
        Tenant tenant = tenants.get(tenantId);
        if (tenant == null) {
            throw ServerError.withReason(Status.Code.NOT_FOUND, "tenant '" + tenantId + "' does not exist", "TENANT_NOT_FOUND");
        }
        return tenant;
    }

    private static Tenant tenant(String id, int replicationFactor, long version) {
        return Tenant.newBuilder()
                .setTenantId(id)
                .setReplicationFactor(replicationFactor)
                .setCreatedAt(CREATED)
                .setUpdatedAt(CREATED)
                .setVersion(version)
                .build();
    }

    private <T> void answer(StreamObserver<T> responses, Answer<T> answer) {
        lastDeadline = Context.current().getDeadline();
        if (silent) {
            return;
        }
        T response;
        try {
            response = answer.get();
        } catch (StatusRuntimeException error) {
            responses.onError(error);
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }

    @FunctionalInterface
    interface Answer<T> {
        T get();
    }
}
