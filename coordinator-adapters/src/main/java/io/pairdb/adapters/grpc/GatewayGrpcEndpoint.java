package io.pairdb.adapters.grpc;

import io.grpc.stub.StreamObserver;
import io.pairdb.core.node.CountKeys;
import io.pairdb.core.port.Clock;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import io.pairdb.proto.gateway.AddStorageNodeRequest;
import io.pairdb.proto.gateway.AddStorageNodeResponse;
import io.pairdb.proto.gateway.CoordinatorServiceGrpc;
import io.pairdb.proto.gateway.CreateTenantRequest;
import io.pairdb.proto.gateway.CreateTenantResponse;
import io.pairdb.proto.gateway.GetMigrationStatusRequest;
import io.pairdb.proto.gateway.GetMigrationStatusResponse;
import io.pairdb.proto.gateway.GetTenantRequest;
import io.pairdb.proto.gateway.GetTenantResponse;
import io.pairdb.proto.gateway.ListStorageNodesResponse;
import io.pairdb.proto.gateway.ReadKeyValueRequest;
import io.pairdb.proto.gateway.ReadKeyValueResponse;
import io.pairdb.proto.gateway.RemoveStorageNodeRequest;
import io.pairdb.proto.gateway.RemoveStorageNodeResponse;
import io.pairdb.proto.gateway.UpdateReplicationFactorRequest;
import io.pairdb.proto.gateway.UpdateReplicationFactorResponse;
import io.pairdb.proto.gateway.WriteKeyValueRequest;
import io.pairdb.proto.gateway.WriteKeyValueResponse;
import jakarta.inject.Singleton;
import java.util.function.Function;

/**
 * The original gateway's {@code proto.CoordinatorService}, for gateways that cannot change: each
 * call is translated into the v1 request that does the same and answered by the v1 endpoint itself
 * (its validation, use case, idempotency, metrics and errors), and only the answer is translated
 * back. Failures reach the client exactly as v1 sends them.
 */
@Singleton
public class GatewayGrpcEndpoint extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {
    private final CoordinatorGrpcEndpoint data;
    private final AdminGrpcEndpoint admin;
    private final ClusterTopology topology;
    private final CountKeys keyCounts;
    private final Clock clock;

    public GatewayGrpcEndpoint(CoordinatorGrpcEndpoint data, AdminGrpcEndpoint admin, ClusterTopology topology,
                               CountKeys keyCounts, Clock clock) {
        this.data = data;
        this.admin = admin;
        this.topology = topology;
        this.keyCounts = keyCounts;
        this.clock = clock;
    }

    @Override
    public void writeKeyValue(WriteKeyValueRequest request, StreamObserver<WriteKeyValueResponse> observer) {
        data.writeKeyValue(GatewayProtoMapper.toV1(request), translated(observer, "write", GatewayProtoMapper::toGateway));
    }

    @Override
    public void readKeyValue(ReadKeyValueRequest request, StreamObserver<ReadKeyValueResponse> observer) {
        data.readKeyValue(GatewayProtoMapper.toV1(request), translated(observer, "read", GatewayProtoMapper::toGateway));
    }

    @Override
    public void createTenant(CreateTenantRequest request, StreamObserver<CreateTenantResponse> observer) {
        admin.createTenant(GatewayProtoMapper.toV1(request),
                translated(observer, "create tenant", GatewayProtoMapper::toGateway));
    }

    @Override
    public void updateReplicationFactor(UpdateReplicationFactorRequest request,
                                        StreamObserver<UpdateReplicationFactorResponse> observer) {
        admin.updateReplicationFactor(GatewayProtoMapper.toV1(request),
                translated(observer, "update replication factor", GatewayProtoMapper::toGateway));
    }

    @Override
    public void getTenant(GetTenantRequest request, StreamObserver<GetTenantResponse> observer) {
        admin.getTenant(GatewayProtoMapper.toV1(request), translated(observer, "get tenant", GatewayProtoMapper::toGateway));
    }

    @Override
    public void addStorageNode(AddStorageNodeRequest request, StreamObserver<AddStorageNodeResponse> observer) {
        admin.addStorageNode(GatewayProtoMapper.toV1(request),
                translated(observer, "add storage node", GatewayProtoMapper::toGateway));
    }

    @Override
    public void removeStorageNode(RemoveStorageNodeRequest request, StreamObserver<RemoveStorageNodeResponse> observer) {
        admin.removeStorageNode(GatewayProtoMapper.toV1(request),
                translated(observer, "remove storage node", GatewayProtoMapper::toGateway));
    }

    @Override
    public void getMigrationStatus(GetMigrationStatusRequest request, StreamObserver<GetMigrationStatusResponse> observer) {
        admin.getChange(GatewayProtoMapper.toV1(request),
                translated(observer, "get migration status", r -> GatewayProtoMapper.toGateway(r, clock.now())));
    }

    @Override
    public void listStorageNodes(io.pairdb.proto.gateway.ListStorageNodesRequest request,
                                 StreamObserver<ListStorageNodesResponse> observer) {
        // the v1 call has just refreshed the topology; its nodes are the ones asked
        admin.listStorageNodes(ListStorageNodesRequest.getDefaultInstance(), translated(observer, "list storage nodes",
                r -> GatewayProtoMapper.toGateway(r, keyCounts.ofLiveNodes(topology.current().nodes()))));
    }

    /**
     * Hands the v1 endpoint's answer to the gateway's client translated, and its failure as it is.
     * A translation that fails is a failure of the call, answered like any other.
     */
    static <V, G> StreamObserver<V> translated(StreamObserver<G> observer, String op, Function<V, G> translate) {
        return new StreamObserver<>() {
            private volatile boolean failed;

            @Override
            public void onNext(V answer) {
                G translatedAnswer;
                try {
                    translatedAnswer = translate.apply(answer);
                } catch (RuntimeException e) {
                    failed = true;
                    observer.onError(OutcomeErrors.failure(op, "-", e));
                    return;
                }
                observer.onNext(translatedAnswer);
            }

            @Override
            public void onError(Throwable error) {
                if (!failed) {
                    observer.onError(error);
                }
            }

            @Override
            public void onCompleted() {
                if (!failed) {
                    observer.onCompleted();
                }
            }
        };
    }
}
