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
import io.pairdb.proto.admin.v1.GetTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantResponse;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.admin.v1.ListStorageNodesResponse;
import io.pairdb.proto.admin.v1.ListTenantsRequest;
import io.pairdb.proto.admin.v1.ListTenantsResponse;
import io.pairdb.proto.admin.v1.NodeLiveness;
import io.pairdb.proto.admin.v1.NodeState;
import io.pairdb.proto.admin.v1.StorageNode;
import io.pairdb.proto.admin.v1.Tenant;
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

    volatile CreateTenantRequest lastCreate;
    volatile AddStorageNodeRequest lastAdd;
    volatile ExplainKeyRequest lastExplain;
    volatile Deadline lastDeadline;
    private volatile boolean silent;

    void addTenant(String id, int replicationFactor) {
        tenants.put(id, tenant(id, replicationFactor, 1));
    }

    /** From now on calls get no answer at all, as from a coordinator that hangs. */
    void answerNothing() {
        silent = true;
    }

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
        answer(responses, () -> GetTenantResponse.newBuilder().setTenant(existing(request.getTenantId())).build());
    }

    @Override
    public void listTenants(ListTenantsRequest request, StreamObserver<ListTenantsResponse> responses) {
        answer(responses, () -> ListTenantsResponse.newBuilder().addAllTenants(tenants.values()).build());
    }

    @Override
    public void updateReplicationFactor(UpdateReplicationFactorRequest request,
            StreamObserver<UpdateReplicationFactorResponse> responses) {
        answer(responses, () -> {
            Tenant old = existing(request.getTenantId());
            Tenant updated = tenant(old.getTenantId(), request.getReplicationFactor(), old.getVersion() + 1);
            tenants.put(updated.getTenantId(), updated);
            return UpdateReplicationFactorResponse.newBuilder().setTenant(updated).build();
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
