package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.errorInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.AddStorageNodeResponse;
import io.pairdb.proto.admin.v1.ListStorageNodesRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** AddStorageNode accepts only the addresses {@code pairdb.storage-nodes.allowed-addresses} lists. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAddressAllowListIT {
    private InProcessCoordinator coordinator;

    @BeforeAll
    void start() {
        coordinator = InProcessCoordinator.start(1,
                Map.of("pairdb.storage-nodes.allowed-addresses", "10.20.0.0/16,.pairdb.svc.cluster.local"));
    }

    @AfterAll
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void anAddressOutsideTheListIsRefusedAndNothingIsAdded() throws Exception {
        for (String host : new String[] {"127.0.0.1", "169.254.169.254", "10.21.0.4", "storage-9.other.svc.cluster.local"}) {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> coordinator.admin().addStorageNode(AddStorageNodeRequest.newBuilder()
                            .setNodeId("outsider").setHost(host).setPort(7001).build()));
            assertThat(refused).as(host).isNotNull();
            assertThat(refused.getStatus().getCode()).as(host).isEqualTo(Status.Code.PERMISSION_DENIED);
            ErrorInfo info = errorInfo(refused);
            assertThat(info.getReason()).isEqualTo("NODE_ADDRESS_NOT_ALLOWED");
            assertThat(info.getMetadataMap()).containsEntry("host", host);
            assertThat(refused.getStatus().getDescription()).contains(host, "10.20.0.0/16", ".pairdb.svc.cluster.local");
        }
        assertThat(coordinator.admin().listStorageNodes(ListStorageNodesRequest.getDefaultInstance()).getNodesList())
                .noneMatch(n -> n.getNodeId().equals("outsider"));
    }

    @Test
    void addressesOnTheListPassTheCheck() {
        for (String host : new String[] {"10.20.3.4", "storage-9.pairdb.svc.cluster.local"}) {
            AddStorageNodeResponse planned = coordinator.admin().addStorageNode(AddStorageNodeRequest.newBuilder()
                    .setNodeId("insider").setHost(host).setPort(7001).setDryRun(true).build());
            assertThat(planned.getNode().getNodeId()).as(host).isEqualTo("insider");
        }
    }
}
